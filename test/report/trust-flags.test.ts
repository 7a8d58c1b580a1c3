import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/report/index.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { makeKey } from '../gate/helpers/signing.js';
import { EXAMPLE_KEY, LAYOUT_REF, demoRoot } from './fixture.js';

/**
 * `custody report` takes verify's trust flags: the auditor's own key (or
 * trusted root, identities, …) replaces the trust the archive kept, for the
 * verdict at the top of the report, exactly as `custody verify` would judge.
 */
let root: string;
let otherKey: string;

beforeAll(async () => {
  root = await demoRoot();
  otherKey = join(await tempDir('custody-report-key-'), 'other.pub');
  await writeFile(otherKey, makeKey().publicPem);
}, 60_000);

describe('custody report with the trust flags of custody verify', () => {
  it('a key that did not sign: the failing verdict at the top of the page, exit 1, as verify says', async () => {
    const page = join(await tempDir('custody-report-trust-'), 'r.html');
    const result = await runCli(['report', root, '--key', otherKey, '--out', page]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^verify {4}FAILED /m);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/does not verify: \d+ problem\(s\); first: signature-unverified .* shows it at the top$/),
    ]);
    const text = await readFile(page, 'utf8');
    const at = text.indexOf('<section id="verdict"');
    expect(text.indexOf('<section')).toBe(at);
    const verdict = text.slice(at, text.indexOf('</section>', at));
    expect(verdict).toContain('class="verdict fail"');
    expect(verdict).toContain('<code>signature-unverified</code>');

    const verify = await runCli(['verify', root, '--key', otherKey, '--json']);
    expect(verify.code).toBe(1);
    const json = await runCli(['report', root, '--key', otherKey, '--json']);
    expect(json.code).toBe(1);
    const failing = JSON.parse(json.stdout) as AuditReport;
    expect(failing.verdict.problems).toEqual((JSON.parse(verify.stdout) as { problems: unknown[] }).problems);
    // Coverage follows the verdict: the signature verified at archive time no longer counts as verified.
    const signed = failing.images.find((i) => i.ref === LAYOUT_REF)!.latest.signed;
    expect(signed.signatures).toBeGreaterThan(0);
    expect(signed.verified).toBe(0);
    expect(signed.signers.map((s) => [s.verified, s.code])).toContainEqual([false, 'signature-unverified']);
    expect(failing.days.every((d) => d.signed === 0)).toBe(true);
  });

  it('the key that signed: the verdict passes, exit 0', async () => {
    const result = await runCli(['report', root, '--key', EXAMPLE_KEY, '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as AuditReport;
    expect(report.verdict).toMatchObject({ ok: true, problems: [] });
    expect(report.verdict.signatures).toBeGreaterThan(0);
    const signed = report.images.find((i) => i.ref === LAYOUT_REF)!.latest.signed;
    expect(signed.verified).toBe(signed.signatures);
    expect(signed.signers.every((s) => s.verified)).toBe(true);
  });

  it('both keys, repeated as verify takes them: the signature verifies against one, exit 0', async () => {
    const result = await runCli(['report', root, '--key', otherKey, '--key', EXAMPLE_KEY, '--json']);
    expect(result.code, result.stderr).toBe(0);
  });

  const misuse: [name: string, flags: string[]][] = [
    ['a key file that does not exist', ['--key', '/nonexistent/custody.pub']],
    ['a certificate identity regexp that does not compile', ['--certificate-identity-regexp', '(']],
    ['a trusted root that is not JSON', ['--trusted-root', EXAMPLE_KEY]],
  ];
  it.each(misuse)('%s: exit 2 with the message verify gives', async (_name, flags) => {
    const verify = await runCli(['verify', root, ...flags]);
    const report = await runCli(['report', root, '--json', ...flags]);
    expect(verify.code).toBe(2);
    expect(report.code).toBe(2);
    expect(report.stdout).toBe('');
    expect(report.stderr.trim().split('\n')).toHaveLength(1);
    expect(report.stderr).toBe(verify.stderr);
  });
});
