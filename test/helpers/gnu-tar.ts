import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readlinkSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface GnuExtraction {
  /** GNU tar's exit status. */
  status: number;
  stderr: string;
  /** What landed on disk, one sorted line per entry: `f path mode sha256`, `d path mode`, `l path -> target`, `s path` (special). */
  tree: string[];
  /** `sha256sum -c SHA256SUMS` passed in the extracted folder. */
  sumsPass: boolean;
}

/** Extract a .tar.gz with GNU tar (`tar -xzf`, as an auditor would) and describe what it wrote. */
export function gnuExtract(file: string, into: string): GnuExtraction {
  const tar = spawnSync('tar', ['-xzf', file, '-C', into], { encoding: 'utf8' });
  const tree: string[] = [];
  const walk = (relative: string) => {
    for (const dirent of readdirSync(join(into, relative), { withFileTypes: true })) {
      const path = relative === '' ? dirent.name : `${relative}/${dirent.name}`;
      const mode = (lstatSync(join(into, path)).mode & 0o7777).toString(8);
      if (dirent.isSymbolicLink()) tree.push(`l ${path} -> ${readlinkSync(join(into, path))}`);
      else if (dirent.isDirectory()) {
        tree.push(`d ${path} ${mode}`);
        walk(path);
      } else if (dirent.isFile())
        tree.push(
          `f ${path} ${mode} ${createHash('sha256')
            .update(readFileSync(join(into, path)))
            .digest('hex')}`,
        );
      else tree.push(`s ${path}`);
    }
  };
  walk('');
  const sums = spawnSync('sha256sum', ['--quiet', '-c', 'SHA256SUMS'], { cwd: into, encoding: 'utf8' });
  return { status: tar.status ?? -1, stderr: tar.stderr, tree: tree.sort(), sumsPass: sums.status === 0 };
}
