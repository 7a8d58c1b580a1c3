import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml, type AuditReport } from '../../src/report/index.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { HOSTILE, hostileRoot } from './fixture.js';

/** Hostile strings in a manifest that verifies: shown as text, never markup or script (the browser test runs the page). */

let root: string;
let page: string;
let text: string;

beforeAll(async () => {
  root = await hostileRoot();
  page = join(await tempDir('custody-report-hostile-'), 'r.html');
  const result = await runCli(['report', root, '--out', page]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  text = await readFile(page, 'utf8');
}, 60_000);

describe('custody report on hostile manifest strings', () => {
  it('the archive verifies: the strings reach the report', async () => {
    expect(text).toContain('class="verdict pass"');
    expect(text).toContain(escapeHtml(HOSTILE.script));
    expect(text).toContain(escapeHtml(HOSTILE.img));
  });

  it('no string becomes an element, an attribute or a script', () => {
    expect(text.match(/<script/g)).toHaveLength(1);
    expect(text.match(/<style/g)).toHaveLength(1);
    expect(text.match(/<\/style>/g)).toHaveLength(1);
    for (const raw of ['<img', '<link', '<svg onload', 'window.__pwned = 1</script>', 'href="https://']) expect(text).not.toContain(raw);
    // Every attribute value is quoted and free of the payloads' quotes.
    for (const match of text.matchAll(/\s([a-z-]+)="([^"]*)"/g)) expect(match[2]).not.toMatch(/[<>]/);
  });

  it('control characters are dropped from the page', () => {
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000\u0007\u001b]/);
  });

  it('--json carries the same strings verbatim, as JSON strings', async () => {
    const result = await runCli(['report', root, '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as AuditReport;
    const shop = report.images.find((i) => i.ref.includes('shop'))!;
    expect(shop.ref).toBe(`registry.example/acme/shop${HOSTILE.img}`);
    expect(shop.latest.error).toContain(HOSTILE.controls);
  });

  it('escapeHtml leaves no markup character', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});
