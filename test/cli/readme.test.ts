import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeTableMarkdown } from '../../src/cli/exit-code-table.js';
import { EXIT_CODES } from '../../src/cli/exit-codes.js';
import { REPO_ROOT, runCli, tempDir } from '../helpers/cli.js';

const readme = () => readFile(join(REPO_ROOT, 'README.md'), 'utf8');

describe('README stays true to the code', () => {
  it('lists every error code with the exit code of the one table (node scripts/update-readme.mjs)', async () => {
    const text = await readme();
    const block = /<!-- exit-code-table:start -->\n([\s\S]*?)<!-- exit-code-table:end -->/.exec(text)?.[1] ?? '';
    expect(block.trim()).toBe(exitCodeTableMarkdown());
    for (const code of Object.keys(EXIT_CODES)) expect(block).toContain(`\`${code}\``);
  });

  it('starts with the demo command and the test command, and .ci/run is that test command', async () => {
    const text = await readme();
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(text)?.[1] ?? '';
    const commands = firstBlock
      .trim()
      .split('\n')
      .map((line) => line.replace(/\s+#.*$/, '').trim());
    expect(commands).toEqual(['bash scripts/demo.sh', 'bash .ci/run']);
  });

  it('documents every command and every archive flag that --help shows', async () => {
    const text = await readme();
    const help = await runCli(['--help']);
    const commands = [...help.stdout.matchAll(/^\s+custody (\S+)/gm)].map((m) => m[1]!);
    expect(commands.length).toBeGreaterThanOrEqual(4);
    for (const command of commands) expect(text).toContain(`custody ${command}`);
    const archiveHelp = await runCli(['archive', '--help']);
    const flags = [...archiveHelp.stdout.matchAll(/^\s+(--[a-z-]+)/gm)].map((m) => m[1]!).filter((f) => f !== '--help' && f !== '--version');
    for (const flag of flags) expect(text, `README documents ${flag}`).toContain(flag === '--discover' ? '--no-discover' : flag);
  });

  it('shows the one-line refusals of a regexp RE2 cannot run exactly as the CLI prints them', async () => {
    const text = await readme();
    const root = await tempDir();
    const flag = await runCli(['archive', `oci:${root}/none@sha256:${'a'.repeat(64)}`, '--root', root, '--certificate-identity-regexp', '(a)\\1']);
    expect(flag.code).toBe(2);
    expect(text).toContain(flag.stderr);
    const policy = join(root, 'p.yaml');
    await writeFile(policy, 'apiVersion: custody/v1\nkind: Policy\nrules:\n  provenance: {keyless: [{identity: a, issuer: b}], builderIdRegexp: "(?=a)"}\n');
    const gate = await runCli(['gate', '--bundle', root, '--policy', policy]);
    expect(gate.code).toBe(2);
    expect(text).toContain(gate.stderr.replace(policy, 'p.yaml'));
  });
});
