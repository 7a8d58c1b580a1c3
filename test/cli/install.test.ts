import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILT_CLI, EXAMPLE_DIGEST, REPO_ROOT, tempDir } from '../helpers/cli.js';

/** `npm pack` of the built repository installs as a command on this Node (24). */
describe('custody installs as a command', () => {
  it('npm pack, then npm install -g --prefix TMP: TMP/bin/custody runs, finds its schemas, archives and verifies', async () => {
    expect(existsSync(BUILT_CLI), 'run npm run build before the tests').toBe(true);
    const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`, npm_config_update_notifier: 'false' };
    const packed = await tempDir('custody-pack-');
    execFileSync('npm', ['pack', '--silent', '--pack-destination', packed], { cwd: REPO_ROOT, env, encoding: 'utf8' });
    const tarball = readdirSync(packed).filter((f) => f.endsWith('.tgz'));
    expect(tarball).toEqual([expect.stringMatching(/^custody-\d+\.\d+\.\d+\.tgz$/)]);

    const prefix = await tempDir('custody-prefix-');
    execFileSync('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', join(packed, tarball[0]!)], {
      env,
      encoding: 'utf8',
    });
    const custody = join(prefix, 'bin', 'custody');
    const run = (args: string[]) => execFileSync(custody, args, { env, encoding: 'utf8', cwd: prefix });
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(run(['--version']).trim()).toBe(pkg.version);

    const root = join(prefix, 'artifacts');
    const evidence = join(REPO_ROOT, 'examples', 'evidence', 'sbom.spdx.json');
    run(['archive', '--no-discover', `registry.example/acme/shop@${EXAMPLE_DIGEST}`, '--evidence', evidence, '--root', root, '--date', '2026-11-29']);
    expect(run(['verify', root])).toMatch(/^OK {2}root .*: 3 files re-hashed, 0 signature\(s\) re-verified, 0 problem\(s\)$/m);
  }, 180_000);

  it('runs from the checkout as the README says: node dist/src/cli/main.js, npx custody', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    for (const command of ['node dist/src/cli/main.js --help', 'npx custody --help', 'npm link && custody --help']) expect(readme).toContain(command);
    const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`, npm_config_update_notifier: 'false' };
    const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect(execFileSync(process.execPath, ['dist/src/cli/main.js', '--version'], { cwd: REPO_ROOT, env, encoding: 'utf8' }).trim()).toBe(version);
    expect(execFileSync('npx', ['--no-install', 'custody', '--version'], { cwd: REPO_ROOT, env, encoding: 'utf8' }).trim()).toBe(version);
  }, 60_000);
});
