import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bareMachine } from './bare-machine.js';

const NODE_VERSION = '24.21.0';
// As scripts/demo.sh and .ci/run source it: with set -euo pipefail.
const SETUP = 'set -euo pipefail; source scripts/setup-node.sh; node --version';
const CI_PACKAGES = 'docker-registry skopeo umoci apache2-utils openssl coreutils ca-certificates curl jq in-toto chromium reuse';

describe("scripts/setup-node.sh on a machine with neither node nor npm (FAKE apt-get/sudo/npm shims: the real apt-get would replace this machine's Node)", () => {
  const npmInstall = (repo: string) =>
    `CI= npm install --prefix ${join(repo, '.tools', 'node24')} --no-save --no-audit --no-fund --loglevel=error node@${NODE_VERSION}`;

  it('as root: installs Debian nodejs and npm with apt-get directly, then node@24 into .tools/node24', () => {
    const machine = bareMachine({ uid: 0 });
    const run = machine.run(SETUP);
    expect(run.stderr).toContain("installing Debian's nodejs npm with apt-get");
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe(process.version);
    expect(machine.log()).toEqual(['apt-get update -qq', 'apt-get install -y -qq --no-install-recommends nodejs npm', npmInstall(machine.repo)]);
    expect(run.stderr).toContain(`using node ${process.version} at ${join(machine.repo, '.tools', 'node24', 'node_modules', '.bin', 'node')}`);
  });

  it('not root, with sudo: the same through sudo', () => {
    const machine = bareMachine({ uid: 1000, sudo: true });
    const run = machine.run(SETUP);
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe(process.version);
    expect(machine.log()).toEqual([
      'sudo apt-get update -qq',
      'apt-get update -qq',
      'sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm',
      'apt-get install -y -qq --no-install-recommends nodejs npm',
      npmInstall(machine.repo),
    ]);
  });

  it('not root, without sudo: installs nothing and says exactly what to run as root', () => {
    const machine = bareMachine({ uid: 1000 });
    const run = machine.run(SETUP);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('this user is not root and has no sudo; as root run: apt-get update && apt-get install -y nodejs npm   then retry');
    expect(machine.log()).toEqual([]);
  });

  it('without apt-get: says to install Node.js 24', () => {
    const machine = bareMachine({ uid: 0, aptGet: false });
    const run = machine.run(SETUP);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('npm is not installed and there is no apt-get to install it; install Node.js 24 LTS (>= 24.15) and retry');
  });

  it('with npm already there, apt-get is not used', () => {
    const machine = bareMachine({ uid: 1000, npm: true });
    const run = machine.run(SETUP);
    expect(run.status).toBe(0);
    expect(machine.log()).toEqual([npmInstall(machine.repo)]);
  });
});

describe('.ci/run on a bare machine (FAKE apt-get, dpkg-query and npm shims)', () => {
  it('not root and without sudo, with packages missing: says what to install as root, installs nothing', () => {
    const machine = bareMachine({ uid: 1000, node: true });
    const run = machine.run('bash .ci/run');
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(
      `ci: the tests need the Debian packages ${CI_PACKAGES}; this user is not root and has no sudo: as root run "apt-get update && apt-get install -y ${CI_PACKAGES}", then rerun bash .ci/run`,
    );
    expect(machine.log()).toEqual([]);
  });

  it('with every package installed, goes on without root, and exports CI=true to what it runs', () => {
    const machine = bareMachine({ uid: 1000, node: true, installed: true, npm: true });
    const run = machine.run('bash .ci/run');
    // The fake npm fails `npm ci`, which stops the run right there.
    expect(run.status).toBe(1);
    expect(machine.log()).toEqual(['CI=true npm ci --no-audit --no-fund --loglevel=error']);
  });
});
