import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { CustodyError } from '../errors.js';
import { CHECKSUM_SUFFIX, EXPORT_SUMS, JOURNAL, MANIFEST } from '../lib/archive-format.js';
import { openRegularFile } from '../lib/read-file.js';
import type { FileDigest } from './hash-files.js';
import { ProblemCollector } from './problem-cap.js';
import { TarError } from './tar-header.js';
import { entryName, printable } from './tar-path.js';
import { TarReader, type EntrySink, type TarEntry } from './tar-reader.js';
import type { ArchiveTree } from './tree-source.js';
import type { TreeEntry } from './walk-steps.js';
import type { VerifyProblem } from './types.js';
import type { VerifyProblemCode } from '../types.js';

/**
 * Most files and folders one export may hold. A day of 1,000 images with
 * 30 pieces of evidence each holds about 60,000 files; a hostile export must
 * not make verify hold a million entries in memory.
 */
export const MAX_EXPORT_ENTRIES = 250_000;
/** Largest pax header or GNU long-name record read. */
const MAX_EXTENSION_RECORD = 64 * 1024;
/** Zero bytes accepted after the end-of-archive block: GNU tar pads to a 10,240-byte record; tapes use larger ones. */
const MAX_TRAILING_ZEROS = 1024 * 1024;
/** Past its first 64 MiB, an export may not decompress to more than 1,000 times the bytes read (as node-tar's reader allowed): no gzip bomb. */
const MAX_RATIO = 1000;
const RATIO_FROM = 64 * 1024 * 1024;
const MAX_TEXT = 64 * 1024 * 1024;
/** All the bytes kept in memory for one export (manifests, checksums, signed evidence, trust copies). */
const MAX_KEPT = 512 * 1024 * 1024;

/** Files whose text verification needs; everything else is only hashed. */
function keepsText(path: string): boolean {
  const name = basename(path);
  return name === MANIFEST || name.endsWith(CHECKSUM_SUFFIX) || name === EXPORT_SUMS || name === JOURNAL;
}

/** Files whose bytes signature re-verification needs: signed evidence, trust copies, seals. */
function keepsBytes(path: string): boolean {
  const name = basename(path);
  return /\/evidence\/(signature|attestation)-/.test(path) || /(^|\/)trust\/[a-f0-9]{64}\.(pem|json)$/.test(path) || name.startsWith('manifest.json.sigstore');
}

/** What GNU tar makes of a member when extracting (extract.c `prepare_to_extract`). */
type Kind = 'file' | 'dir' | 'link' | 'special' | 'sparse' | 'label';

function kindOf(entry: TarEntry): Kind {
  switch (entry.typeflag) {
    case '0':
    case '\u0000':
    case '7':
      return entry.name.endsWith('/') ? 'dir' : 'file';
    case '5':
    case 'D':
      return 'dir';
    case '1':
    case '2':
      return 'link';
    case '3':
    case '4':
    case '6':
      return 'special';
    case 'S':
    case 'M':
      return 'sparse';
    case 'V':
      return 'label';
    default:
      // "Unknown file type 'Z', extracted as normal file".
      return 'file';
  }
}

/** The problem with a member's type, if an export never holds that type. */
function typeProblem(entry: TarEntry, shown: string): VerifyProblem | undefined {
  const at = (code: VerifyProblemCode, what: string): VerifyProblem => ({ code, path: shown, message: `export entry "${shown}" ${what}` });
  const target = printable(entry.linkname);
  switch (entry.typeflag) {
    case '0':
    case '\u0000':
    case '5':
      return undefined;
    case '1':
      return at('symlink', `is a hard link to "${target}"; an export holds only regular files`);
    case '2':
      return at('symlink', `is a symbolic link to "${target}"; an export holds only regular files`);
    case '3':
      return at('special-file', 'is a character device, not a regular file');
    case '4':
      return at('special-file', 'is a block device, not a regular file');
    case '6':
      return at('special-file', 'is a FIFO, not a regular file');
    case '7':
      return at('special-file', 'is a contiguous file (typeflag 7), which GNU tar extracts as a regular file');
    case 'D':
      return at('tar-entry', 'is a GNU incremental-dump folder (typeflag D)');
    case 'M':
      return at('tar-entry', 'continues a file from another tape volume (typeflag M)');
    case 'S':
      return at('tar-entry', 'is an old GNU sparse file (typeflag S); GNU tar extracts other bytes than the archive holds');
    case 'V':
      return at('tar-entry', 'is a tape volume label (typeflag V)');
    default:
      return at('tar-entry', `has unknown tar type '${printable(entry.typeflag)}'; GNU tar extracts it as a regular file`);
  }
}

/** Permissions tar restores that an export's files and folders never have. */
function modeProblem(entry: TarEntry, kind: Kind, shown: string): VerifyProblem | undefined {
  const mode = entry.mode.toString(8).padStart(4, '0');
  const at = (what: string): VerifyProblem => ({ code: 'tar-entry', path: shown, message: `export entry "${shown}" ${what} (mode ${mode})` });
  if (entry.mode & 0o7000) return at('has set-user-ID, set-group-ID or sticky bits');
  if (kind === 'file' && (entry.mode & 0o400) === 0) return at('is not readable by its owner once extracted, so sha256sum -c cannot check it');
  if (kind === 'dir' && (entry.mode & 0o500) !== 0o500) return at('is a folder its owner cannot list or enter once extracted');
  return undefined;
}

/**
 * Read an exported `.tar.gz` in one streaming pass, never unpacking it to
 * disk, the way GNU tar would extract it: every regular file hashed as it
 * streams by, manifests and checksum files kept in memory. Every member
 * that is not a plain regular file or folder, every name GNU tar would
 * rewrite or refuse, every path held twice, and every byte tar never looks
 * at is reported; links and devices are never followed.
 */
export async function tarTree(path: string): Promise<ArchiveTree & { problems: VerifyProblem[] }> {
  const tree = new ExportTree(path);
  // A FIFO, folder or device named as the export is refused before it is read (never waited on).
  const { handle, size } = await openRegularFile(path, { what: 'export' });
  const reader = new TarReader(
    { entry: (entry) => tree.onEntry(entry), problem: (p) => tree.problems.add(p) },
    { maxMeta: MAX_EXTENSION_RECORD, maxTrailing: MAX_TRAILING_ZEROS },
  );
  const gunzip = createGunzip({ chunkSize: 64 * 1024 });
  let stopped = false;
  try {
    await pipeline(handle.createReadStream(), gunzip, async (source: AsyncIterable<Buffer>) => {
      let inflated = 0;
      for await (const chunk of source) {
        inflated += chunk.length;
        if (inflated > RATIO_FROM && inflated > MAX_RATIO * gunzip.bytesWritten) {
          throw new CustodyError('INPUT_TOO_LARGE', `${path} decompresses to more than ${MAX_RATIO} times its size, which no export does`);
        }
        if (!reader.write(chunk)) {
          // Past the end of the archive and the padding tar may add: nothing more is read or decompressed.
          stopped = true;
          return;
        }
      }
    });
    if (!stopped) reader.end();
  } catch (err) {
    if (!stopped || (err as NodeJS.ErrnoException).code !== 'ABORT_ERR') throw readError(err, path);
  }
  // zlib stops quietly at bytes after the gzip stream that do not start another member; gzip -d calls them trailing garbage.
  if (!stopped && gunzip.bytesWritten < size) {
    tree.problems.add({ code: 'trailing-data', path: '', message: `the export holds ${size - gunzip.bytesWritten} bytes after the end of its gzip stream` });
  }
  return tree.finish();
}

/**
 * The tree an export would extract to, built one tar entry at a time as GNU
 * tar would write it: hostile entries reported, the last member written to a
 * path kept, every member hashed, and the bytes verification reads kept.
 */
class ExportTree {
  readonly problems = new ProblemCollector<VerifyProblemCode>();
  private readonly entries: TreeEntry[] = [];
  private readonly digests = new Map<string, FileDigest | Error>();
  private readonly bodies = new Map<string, Buffer>();
  /** Every path GNU tar would write, and what it would be; `implied` for a folder no entry names. */
  private readonly seen = new Map<string, Kind | 'implied'>();
  private counted = 0;
  private kept = 0;

  constructor(private readonly path: string) {}

  onEntry(entry: TarEntry): EntrySink | undefined {
    this.count();
    const name = entryName(entry.name);
    const { key, shown } = name;
    const kind = kindOf(entry);
    for (const clause of entry.extensions) this.problems.add({ code: 'tar-entry', path: shown, message: `export entry "${shown}" ${clause}` });
    for (const problem of [typeProblem(entry, shown), modeProblem(entry, kind, shown)]) if (problem) this.problems.add(problem);
    // `./`: the folder tar extracts into.
    if (key === '' && kind === 'dir') return undefined;
    const unsafe = name.unsafe ?? (key === '' ? 'has an empty name' : undefined);
    if (unsafe) this.problems.add({ code: 'unsafe-path', path: shown, message: `export entry "${shown}" ${unsafe}` });
    // GNU tar refuses `..` members and never extracts a volume label.
    if (key === undefined || key === '' || kind === 'label') return undefined;
    const prior = this.claim(key, kind, shown);
    if (unsafe || (kind !== 'file' && kind !== 'dir')) return undefined;
    if (kind === 'dir') {
      if (prior === undefined) this.entries.push({ type: 'dir', path: key });
      return undefined;
    }
    if (prior === undefined) this.entries.push({ type: 'file', path: key, size: entry.size });
    return prior === undefined || prior === 'file' ? this.hashInto(key, entry.size, shown) : undefined;
  }

  /** The tree, sorted by path; an export with no entry at all is no export. */
  finish(): ArchiveTree & { problems: VerifyProblem[] } {
    const { entries, bodies } = this;
    if (entries.length === 0 && this.counted === 0) throw new CustodyError('NOT_A_BUNDLE', `${this.path} is an empty tar archive, not a custody export`);
    entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return {
      entries,
      digests: this.digests,
      problems: this.problems.list(),
      readText: async (file) => bodies.get(file)?.toString('utf8'),
      readBytes: async (file) => bodies.get(file),
    };
  }

  private count(): void {
    if (++this.counted > MAX_EXPORT_ENTRIES) {
      throw new CustodyError('INPUT_TOO_LARGE', `${this.path} holds more than ${MAX_EXPORT_ENTRIES} tar entries and folders, the limit for an export`);
    }
  }

  /** Exports carry no folder entries: every parent folder of a member is implied. A parent that is a file cannot be one. */
  private addFolders(key: string, shown: string): void {
    for (let cut = key.lastIndexOf('/'); cut > 0; cut = key.lastIndexOf('/', cut - 1)) {
      const folder = key.slice(0, cut);
      const prior = this.seen.get(folder);
      if (prior === 'implied' || prior === 'dir') return;
      if (prior !== undefined) {
        const at = printable(folder);
        this.problems.add({
          code: 'duplicate-entry',
          path: at,
          message: `export entry "${shown}" lies under "${at}", which the export also holds as a ${prior}`,
        });
        return;
      }
      this.count();
      this.seen.set(folder, 'implied');
      this.entries.push({ type: 'dir', path: folder });
    }
  }

  /** Record a member at `key`; returns what was there before it. */
  private claim(key: string, kind: Kind, shown: string): Kind | 'implied' | undefined {
    const prior = this.seen.get(key);
    if (prior === undefined) {
      this.seen.set(key, kind);
      this.addFolders(key, shown);
    } else if (prior === 'implied') {
      if (kind !== 'dir')
        this.problems.add({ code: 'duplicate-entry', path: printable(key), message: `export entry "${shown}" is a ${kind} where other entries need a folder` });
      this.seen.set(key, kind);
    } else {
      const at = printable(key);
      const spelled = shown === at ? '' : ` (here as "${shown}")`;
      this.problems.add({ code: 'duplicate-entry', path: at, message: `export holds "${at}" more than once${spelled}; tar keeps only the last` });
      this.seen.set(key, kind);
    }
    return prior;
  }

  private hashInto(key: string, declared: number, shown: string): EntrySink {
    const hash = createHash('sha256');
    let keep = (keepsText(key) || keepsBytes(key)) && declared <= MAX_TEXT ? ([] as Buffer[]) : undefined;
    if (keep && this.kept + declared > MAX_KEPT) {
      // A hostile export cannot make verify hold more than MAX_KEPT bytes: what is not kept cannot be checked.
      this.problems.add({
        code: 'too-large',
        path: shown,
        message: `export holds more manifest, checksum and signed bytes than verify keeps in memory (${MAX_KEPT} bytes); ${shown} not checked`,
      });
      keep = undefined;
    }
    if (keep) this.kept += declared;
    let size = 0;
    return {
      write: (chunk) => {
        hash.update(chunk);
        size += chunk.length;
        keep?.push(chunk);
      },
      end: () => {
        // tar keeps the last member written to a path: so does verify.
        this.digests.set(key, { sha256: hash.digest('hex'), size });
        if (keep) this.bodies.set(key, Buffer.concat(keep));
        else this.bodies.delete(key);
      },
    };
  }
}

/** One line naming the file: unreadable (exit 2), malformed (exit 2), or over a limit (exit 2). */
function readError(err: unknown, path: string): CustodyError {
  if (err instanceof CustodyError) return err;
  if (err instanceof TarError) {
    return err.kind === 'limit'
      ? new CustodyError('INPUT_TOO_LARGE', `${path}: ${err.message}`)
      : new CustodyError('NOT_A_BUNDLE', `${path} is not a readable .tar.gz export: ${err.message}`);
  }
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') return new CustodyError('FILE_UNREADABLE', `cannot read ${path}: ${code}`);
  const message = err instanceof Error ? err.message : String(err);
  const gzip = typeof code === 'string' && code.startsWith('Z_') ? 'gzip: ' : '';
  return new CustodyError('NOT_A_BUNDLE', `${path} is not a readable .tar.gz export: ${gzip}${message}`, { cause: err });
}
