import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/cli.js';

/**
 * A bare machine for the set-up scripts: a copy of the scripts in a temp
 * "repository" and a PATH of one folder holding only bash, dirname, env and
 * the fakes a test asks for. Fakes (apt-get, sudo, id, dpkg-query, npm)
 * append what they were called with to a log. The fake apt-get "installs"
 * Debian's nodejs and npm as stubs: a node 18 that is too old, and an npm
 * whose `install --prefix DIR node@…` links the Node 24 running the tests
 * as DIR/node_modules/.bin/node. The real apt-get would replace this
 * machine's Node (NodeSource's nodejs package owns /usr/bin/node).
 */
export interface BareMachine {
  dir: string;
  repo: string;
  bin: string;
  run(script: string): { status: number | null; stdout: string; stderr: string };
  log(): string[];
}

export interface BareOptions {
  uid: number;
  sudo?: boolean;
  aptGet?: boolean;
  /** A Node 24 already on PATH (for .ci/run past its package step). */
  node?: boolean;
  /** dpkg-query answers "installed" for every package. */
  installed?: boolean;
  /** A fake npm from the start (else only once apt-get installs it). */
  npm?: boolean;
}

const script = (lines: string[]) => `#!/bin/bash\n${lines.join('\n')}\n`;

export function bareMachine(options: BareOptions): BareMachine {
  const dir = mkdtempSync(join(tmpdir(), 'custody-bare-'));
  const repo = join(dir, 'repo');
  const bin = join(dir, 'bin');
  const stubs = join(dir, 'stubs');
  const logFile = join(dir, 'calls.log');
  for (const folder of [join(repo, 'scripts'), join(repo, '.ci'), bin, stubs]) mkdirSync(folder, { recursive: true });
  copyFileSync(join(REPO_ROOT, 'scripts', 'setup-node.sh'), join(repo, 'scripts', 'setup-node.sh'));
  copyFileSync(join(REPO_ROOT, '.ci', 'run'), join(repo, '.ci', 'run'));
  writeFileSync(logFile, '');
  for (const tool of ['bash', 'dirname', 'env']) symlinkSync(`/usr/bin/${tool}`, join(bin, tool));
  const write = (path: string, lines: string[]) => {
    writeFileSync(path, script(lines));
    chmodSync(path, 0o755);
  };
  const log = (what: string) => `echo "${what} $*" >> ${logFile}`;
  write(join(bin, 'id'), [`[ "$1" = -u ] && echo ${options.uid}`]);
  write(join(stubs, 'node'), ['[ "$1" = --version ] && { echo v18.20.4; exit 0; }', 'exit 1']);
  write(join(stubs, 'npm'), [
    log('CI=$CI npm'),
    'prefix=; while [ $# -gt 0 ]; do [ "$1" = --prefix ] && prefix=$2; shift; done',
    '[ -n "$prefix" ] || exit 1',
    `/usr/bin/mkdir -p "$prefix/node_modules/.bin" && /usr/bin/ln -s ${process.execPath} "$prefix/node_modules/.bin/node"`,
  ]);
  if (options.aptGet !== false) {
    write(join(bin, 'apt-get'), [
      log('apt-get'),
      '[ "$1" = install ] || exit 0',
      `for p in "$@"; do case $p in nodejs) /usr/bin/cp ${join(stubs, 'node')} ${bin}/node;; npm) /usr/bin/cp ${join(stubs, 'npm')} ${bin}/npm;; esac; done`,
    ]);
    write(join(bin, 'dpkg-query'), [options.installed ? 'echo -n "install ok installed"' : 'exit 1']);
  }
  if (options.sudo) write(join(bin, 'sudo'), [log('sudo'), 'exec "$@"']);
  if (options.node) symlinkSync(process.execPath, join(bin, 'node'));
  if (options.npm) copyFileSync(join(stubs, 'npm'), join(bin, 'npm'));
  return {
    dir,
    repo,
    bin,
    run(command) {
      const result = spawnSync('/usr/bin/bash', ['-c', command], { cwd: repo, env: { PATH: bin, HOME: dir }, encoding: 'utf8', timeout: 30_000 });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    },
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').filter(Boolean) : []),
  };
}
