import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { Parser, type ReadEntry } from 'tar';
import { CustodyError } from '../errors.js';
import { openRegularFile } from '../lib/read-file.js';
import type { Problem } from '../types.js';
import type { FileDigest } from './hash-files.js';
import { isSafeRelativePath } from './safe-path.js';
import type { ArchiveTree } from './tree-source.js';
import type { TreeEntry } from './tree.js';

/** Files whose text verification needs; everything else is only hashed. */
function keepsText(path: string): boolean {
  const name = basename(path);
  return name === 'manifest.json' || name.endsWith('.sha256') || name === 'SHA256SUMS' || name === '.custody-journal.json';
}

/** Files whose bytes signature re-verification needs: signed evidence, trust copies, seals. */
function keepsBytes(path: string): boolean {
  const name = basename(path);
  return (
    /\/evidence\/(signature|attestation)-/.test(path) || /(^|\/)trust\/[a-f0-9]{64}\.(pem|json)$/.test(path) || name.startsWith('manifest.json.sigstore')
  );
}

const MAX_TEXT = 64 * 1024 * 1024;
/** All the bytes kept in memory for one export (manifests, checksums, signed evidence, trust copies). */
const MAX_KEPT = 512 * 1024 * 1024;


/**
 * Read an exported `.tar.gz` in one streaming pass, never unpacking it to
 * disk: every regular file hashed as it streams by, manifests and checksum
 * files kept in memory. Absolute paths, `..`, links and device files are
 * reported (and their bodies skipped), never followed.
 */
export async function tarTree(path: string): Promise<ArchiveTree & { problems: Problem[] }> {
  const entries: TreeEntry[] = [];
  const digests = new Map<string, FileDigest | Error>();
  const bodies = new Map<string, Buffer>();
  const problems: Problem[] = [];
  const seen = new Set<string>();
  let kept = 0;

  const parser = new Parser({ strict: true });
  parser.on('entry', (entry: ReadEntry) => {
    const raw = entry.header.path ?? entry.path;
    const isDir = entry.type === 'Directory';
    const entryPath = isDir ? raw.replace(/\/+$/, '') : raw;
    const shown = entryPath.replace(/[^\x20-\x7e]/g, '?');
    if (!isSafeRelativePath(entryPath, Infinity)) {
      problems.push({ code: 'unsafe-path', path: shown, message: `export entry "${shown}" is absolute or leaves the archive` });
      entry.resume();
      return;
    }
    if (seen.has(entryPath)) {
      problems.push({ code: 'duplicate-entry', path: shown, message: `export holds "${shown}" more than once` });
      entry.resume();
      return;
    }
    seen.add(entryPath);
    if (isDir) {
      entries.push({ type: 'dir', path: entryPath });
      entry.resume();
      return;
    }
    if (entry.type === 'SymbolicLink' || entry.type === 'Link') {
      entries.push({ type: 'symlink', path: entryPath });
      entry.resume();
      return;
    }
    if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'ContiguousFile') {
      entries.push({ type: 'special', path: entryPath });
      entry.resume();
      return;
    }
    entries.push({ type: 'file', path: entryPath, size: entry.size });
    const hash = createHash('sha256');
    const keepText = keepsText(entryPath);
    let keep = (keepText || keepsBytes(entryPath)) && entry.size <= MAX_TEXT ? ([] as Buffer[]) : undefined;
    if (keep && kept + entry.size > MAX_KEPT) {
      // A hostile export cannot make verify hold more than MAX_KEPT bytes: what is not kept cannot be checked.
      problems.push({ code: 'too-large', path: shown, message: `export holds more manifest, checksum and signed bytes than verify keeps in memory (${MAX_KEPT} bytes); ${shown} not checked` });
      keep = undefined;
    }
    if (keep) kept += entry.size;
    let size = 0;
    entry.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      size += chunk.length;
      keep?.push(chunk);
    });
    entry.on('end', () => {
      digests.set(entryPath, { sha256: hash.digest('hex'), size });
      if (keep) bodies.set(entryPath, Buffer.concat(keep));
    });
  });

  const { handle } = await openRegularFile(path, { what: 'export' });
  await new Promise<void>((resolve, reject) => {
    const input = handle.createReadStream();
    const fail = (err: unknown) => {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
        reject(new CustodyError('FILE_UNREADABLE', `cannot read ${path}: ${code}`));
      } else {
        reject(new CustodyError('NOT_A_BUNDLE', `${path} is not a readable .tar.gz export: ${err instanceof Error ? err.message : String(err)}`));
      }
      input.destroy();
    };
    input.on('error', fail);
    parser.on('error', fail);
    parser.on('close', () => resolve());
    input.pipe(parser as unknown as NodeJS.WritableStream);
  });
  if (entries.length === 0 && problems.length === 0) throw new CustodyError('NOT_A_BUNDLE', `${path} is an empty tar archive, not a custody export`);

  // Exports carry no folder entries: every parent folder of a file is implied.
  const folders = new Set(entries.filter((e) => e.type === 'dir').map((e) => e.path));
  for (const entry of [...entries]) {
    const parts = entry.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const folder = parts.slice(0, i).join('/');
      if (!folders.has(folder)) {
        folders.add(folder);
        entries.push({ type: 'dir', path: folder });
      }
    }
  }
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    entries,
    digests,
    problems,
    readText: async (file) => bodies.get(file)?.toString('utf8'),
    readBytes: async (file) => bodies.get(file),
  };
}
