/** `custody diff` output: text for a terminal, Markdown for a CI summary, JSON for machines. */
import { escapeText as singleLine } from '../lib/escape.js';
import type { ComponentChange, DayDiff, ImageChanges, VulnRef } from './model.js';

export const DIFF_FORMATS = ['text', 'json', 'markdown'] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

export function renderDiff(diff: DayDiff, format: DiffFormat): string {
  if (format === 'json') return `${JSON.stringify(diff, null, 2)}\n`;
  return format === 'markdown' ? renderMarkdown(diff) : renderText(diff);
}

const short = (digest: string | null) => (digest ? (digest.length > 19 ? `${digest.slice(0, 19)}…` : digest) : 'none');
const vulnText = (v: VulnRef) => `${v.id} ${v.package}${v.version ? ` ${v.version}` : ''} (${v.severity})`;
const versions = (list: string[]) => list.map((v) => v || '(no version)').join(', ');
const componentText = (c: ComponentChange, sign: string) =>
  sign === '~' ? `${c.component} ${versions(c.from)} → ${versions(c.to)}` : `${c.component} ${versions(sign === '+' ? c.to : c.from)}`;

function imageLines(image: ImageChanges, line: (sign: string, what: string, text: string) => void): void {
  for (const e of image.evidence.added) line('+', 'evidence', `${e.kind}/${e.format} ${e.path}`);
  for (const e of image.evidence.removed) line('-', 'evidence', `${e.kind}/${e.format} ${e.path}`);
  for (const s of image.signers.added) line('+', 'signer', `${s.identity} (${s.verified ? 'verified' : 'not verified'})`);
  for (const s of image.signers.removed) line('-', 'signer', `${s.identity} (${s.verified ? 'verified' : 'not verified'})`);
  for (const s of image.signers.changed) line('~', 'signer', `${s.identity}: ${s.from ? 'verified' : 'not verified'} → ${s.to ? 'verified' : 'not verified'}`);
  const v = image.vulnerabilities;
  if (!v.compared && v.scanned.a !== v.scanned.b)
    line(
      v.scanned.b ? '+' : '-',
      'scan',
      v.scanned.b ? 'scanned now (no scan before: findings not compared)' : 'no scan report any more (findings not compared)',
    );
  for (const f of v.new) line('+', 'vuln', `${vulnText(f)} new`);
  for (const f of v.fixed) line('-', 'vuln', `${vulnText(f)} fixed`);
  const c = image.components;
  if (!c.compared && c.listed.a !== c.listed.b)
    line(c.listed.b ? '+' : '-', 'sbom', c.listed.b ? 'an SBOM now (none before: components not compared)' : 'no SBOM any more (components not compared)');
  for (const x of c.added) line('+', 'component', componentText(x, '+'));
  for (const x of c.removed) line('-', 'component', componentText(x, '-'));
  for (const x of c.changed) line('~', 'component', componentText(x, '~'));
}

/** The changes in one line: images, evidence, signers, vulnerabilities, components. */
export function diffCounts(diff: DayDiff): string {
  const sum = (f: (i: ImageChanges) => number) => diff.changed.reduce((n, i) => n + f(i), 0);
  return [
    `images +${diff.images.added.length} -${diff.images.removed.length} ~${diff.images.repointed.length} re-pointed`,
    `evidence +${sum((i) => i.evidence.added.length)} -${sum((i) => i.evidence.removed.length)}`,
    `signers +${sum((i) => i.signers.added.length)} -${sum((i) => i.signers.removed.length)}`,
    `vulnerabilities ${sum((i) => i.vulnerabilities.new.length)} new, ${sum((i) => i.vulnerabilities.fixed.length)} fixed`,
    `components +${sum((i) => i.components.added.length)} -${sum((i) => i.components.removed.length)} ~${sum((i) => i.components.changed.length)}`,
  ].join('; ');
}

/** Text: one line per change, archive strings made single printable lines. */
export function renderText(diff: DayDiff): string {
  const out = [
    `custody diff ${singleLine(diff.a.input)} (${diff.a.date}) → ${singleLine(diff.b.input)} (${diff.b.date}): ${diff.same ? 'no difference' : diffCounts(diff)}`,
  ];
  for (const i of diff.images.added) out.push(`+ image      ${singleLine(i.ref)} ${short(i.digest)} (${singleLine(i.status)})`);
  for (const i of diff.images.removed) out.push(`- image      ${singleLine(i.ref)} ${short(i.digest)} (${singleLine(i.status)})`);
  for (const i of diff.images.repointed) out.push(`~ image      ${singleLine(i.ref)} ${short(i.from)} → ${short(i.to)}`);
  for (const i of diff.images.status) out.push(`~ status     ${singleLine(i.ref)} ${singleLine(i.from)} → ${singleLine(i.to)}`);
  for (const image of diff.changed) {
    const lines: string[] = [];
    imageLines(image, (sign, what, text) => lines.push(`  ${sign} ${what.padEnd(10)} ${singleLine(text)}`));
    if (lines.length > 0) out.push(singleLine(image.ref), ...lines);
  }
  return `${out.join('\n')}\n`;
}

/** Code spans: nothing from the archive is read as Markdown or HTML (no link, no image, no tag). */
function code(text: string): string {
  const line = singleLine(text);
  const fence = line.includes('`') ? '``' : '`';
  return `${fence} ${line} ${fence}`;
}

export function renderMarkdown(diff: DayDiff): string {
  const out = [
    `### custody diff ${code(diff.a.date)} → ${code(diff.b.date)}: ${diff.same ? 'no difference' : 'changes'}`,
    '',
    `${code(diff.a.input)} → ${code(diff.b.input)}`,
    '',
  ];
  if (!diff.same) out.push(diffCounts(diff), '');
  const images = [
    ...diff.images.added.map((i) => `| added | ${code(i.ref)} | | ${code(i.digest ?? 'none')} |`),
    ...diff.images.removed.map((i) => `| removed | ${code(i.ref)} | ${code(i.digest ?? 'none')} | |`),
    ...diff.images.repointed.map((i) => `| re-pointed | ${code(i.ref)} | ${code(i.from)} | ${code(i.to)} |`),
    ...diff.images.status.map((i) => `| status | ${code(i.ref)} | ${code(i.from)} | ${code(i.to)} |`),
  ];
  if (images.length > 0) out.push('| change | image | before | after |', '|---|---|---|---|', ...images, '');
  for (const image of diff.changed) {
    const lines: string[] = [];
    imageLines(image, (sign, what, text) => lines.push(`- ${sign === '+' ? 'added' : sign === '-' ? 'removed' : 'changed'} ${what}: ${code(text)}`));
    if (lines.length > 0) out.push(`#### ${code(image.ref)}`, '', ...lines, '');
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}
