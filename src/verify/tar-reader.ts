import { BLOCK, decodeHeader, isZero, isZeroBlock, parsePax, TarError } from './tar-header.js';
import { printable } from './tar-path.js';
import type { VerifyProblem } from './types.js';

/** One member of the archive, named and sized the way GNU tar 1.34 extracts it. */
export interface TarEntry {
  /** Raw name bytes (latin1): pax `path` (local over global) > GNU long name > header name. */
  name: string;
  typeflag: string;
  /** Permission bits (GNU tar restores them). */
  mode: number;
  /** Data bytes that follow the header (0 for links, devices, FIFOs and folders, whatever the header says). */
  size: number;
  linkname: string;
  /** Byte offset of the header in the uncompressed archive. */
  offset: number;
  /** Extension records that shaped this entry and that an export never holds, each as a clause ("carries a GNU long link name record"). */
  extensions: string[];
}

export interface EntrySink {
  write(chunk: Buffer): void;
  end(): void;
}

export interface TarVisitor {
  /** Each member in order; a sink to receive its data, or undefined to skip it. */
  entry(entry: TarEntry): EntrySink | undefined;
  /** Bytes an extracting tar never looks at (non-zero padding, data after the end), and a missing end. */
  problem(problem: VerifyProblem): void;
}

export interface TarReaderLimits {
  /** Largest extension record (pax header, long name) read into memory. */
  maxMeta: number;
  /** Zero bytes accepted after the first end-of-archive block (tar pads to its record size); beyond, reading stops. */
  maxTrailing: number;
}

/** Types GNU tar extracts without reading data, whatever the size field says (extract.c). */
const DATALESS = new Set(['1', '2', '3', '4', '5', '6']);
/** Types GNU tar extracts as a regular file, or as a folder when the name ends in `/`. */
const REGULAR = new Set(['0', '\u0000', '7']);
/** Pax keywords that change neither a name nor the bytes extracted. */
const PLAIN_KEYWORDS = new Set([
  'path',
  'size',
  'linkpath',
  'mtime',
  'atime',
  'ctime',
  'uid',
  'gid',
  'uname',
  'gname',
  'charset',
  'hdrcharset',
  'SCHILY.dev',
  'SCHILY.ino',
  'SCHILY.nlink',
]);

type State =
  | { at: 'header' }
  | { at: 'data'; remain: number; pad: number; sink: EntrySink | undefined; meta: Buffer[] | undefined; header: MetaHeader | undefined; name: string }
  | { at: 'sparse-map'; then: { remain: number; sink: EntrySink | undefined; name: string } }
  | { at: 'end'; trailing: number; endAt: number }
  | { at: 'stopped' };

interface MetaHeader {
  typeflag: string;
  offset: number;
}

/**
 * A streaming tar reader that follows GNU tar's reading of an archive:
 * header checksums, ustar prefixes only under POSIX magic, GNU long names,
 * local pax headers (the last one before an entry wins) and global ones
 * (applied to every entry after them), pax `size`, data-less types, and the
 * end of the archive at the first zero block. Work is linear in the input:
 * data passes through as slices, only a partial header is ever copied, and
 * after the end at most `maxTrailing` bytes are looked at.
 */
export class TarReader {
  private state: State = { at: 'header' };
  private readonly partial = Buffer.alloc(BLOCK);
  private partialLength = 0;
  private offset = 0;
  private entries = 0;
  private longName: string | undefined;
  private longLink: string | undefined;
  private local: Pax | undefined;
  private global: Pax | undefined;
  private pendingExtensions: string[] = [];

  constructor(
    private readonly visitor: TarVisitor,
    private readonly limits: TarReaderLimits,
  ) {}

  /** Feed uncompressed bytes; false once the reader wants no more (past the end and the trailing limit, or hidden data found). */
  write(chunk: Buffer): boolean {
    let at = 0;
    while (at < chunk.length && this.state.at !== 'stopped') {
      const state = this.state;
      if (state.at === 'data') at += this.consumeData(state, chunk, at);
      else if (state.at === 'end') at += this.consumeTrailing(state, chunk, at);
      else {
        const block = this.nextBlock(chunk, at);
        at += block.used;
        if (block.block) {
          if (state.at === 'header') this.header(block.block);
          else if (state.at === 'sparse-map') this.sparseMap(state, block.block);
        }
      }
    }
    return this.state.at !== 'stopped';
  }

  /** The input ended: a cut inside an entry is malformed, a missing end marker a problem. */
  end(): void {
    const state = this.state;
    if (state.at === 'end' || state.at === 'stopped') return;
    if (state.at === 'data' || state.at === 'sparse-map' || this.partialLength > 0) {
      const inside = state.at === 'header' ? 'a header' : `"${printable(state.at === 'data' ? state.name : state.then.name)}"`;
      throw new TarError('format', `truncated: the archive ends inside ${inside} (byte ${this.offset})`);
    }
    if (this.entries === 0) throw new TarError('format', 'no tar entries');
    this.visitor.problem({
      code: 'truncated',
      path: '',
      message: `the export ends without tar's end-of-archive blocks after byte ${this.offset}; it may be cut short`,
    });
  }

  /** A whole 512-byte block starting at `at`, copying only when it straddles two chunks. */
  private nextBlock(chunk: Buffer, at: number): { used: number; block?: Buffer } {
    if (this.partialLength === 0 && chunk.length - at >= BLOCK) {
      this.offset += BLOCK;
      return { used: BLOCK, block: chunk.subarray(at, at + BLOCK) };
    }
    const used = Math.min(BLOCK - this.partialLength, chunk.length - at);
    chunk.copy(this.partial, this.partialLength, at, at + used);
    this.partialLength += used;
    if (this.partialLength < BLOCK) return { used };
    this.partialLength = 0;
    this.offset += BLOCK;
    return { used, block: this.partial };
  }

  private header(block: Buffer): void {
    const offset = this.offset - BLOCK;
    if (isZeroBlock(block)) {
      // list.c: the first zero block ends the archive; GNU tar never reads what follows it.
      if (this.longName !== undefined || this.longLink !== undefined || this.local !== undefined) {
        this.visitor.problem({
          code: 'tar-entry',
          path: '',
          message: `the export has an extension record with no entry after it, just before its end (byte ${offset})`,
        });
      }
      this.state = { at: 'end', trailing: 0, endAt: offset };
      return;
    }
    let header;
    try {
      header = decodeHeader(block);
    } catch (err) {
      if (err instanceof TarError && offset === 0) throw new TarError('format', `not a tar archive (${err.message} at byte 0)`);
      throw err instanceof TarError ? new TarError('format', `${err.message} in the header at byte ${offset}`) : err;
    }
    const { typeflag } = header;
    if ('xXgLK'.includes(typeflag)) {
      if (header.size > this.limits.maxMeta)
        throw new TarError('limit', `the extension record at byte ${offset} is ${header.size} bytes (limit ${this.limits.maxMeta})`);
      this.startData(header.size, undefined, [], { typeflag, offset }, `extension record at byte ${offset}`);
      return;
    }
    this.entries++;
    // xheader.c xheader_decode: global records first, local ones over them.
    const pax = (key: string) => this.local?.records.get(key) ?? this.global?.records.get(key);
    const extensions = this.pendingExtensions;
    if (this.global) extensions.push(...this.global.clauses);
    if (this.local) extensions.push(...this.local.clauses);
    if (this.longLink !== undefined) extensions.push('carries a GNU long link name record');
    const name = pax('GNU.sparse.name') ?? pax('path') ?? this.longName ?? header.name;
    let size = header.size;
    const value = pax('size');
    if (value !== undefined) {
      if (!/^[0-9]{1,15}$/.test(value)) throw new TarError('format', `pax size "${printable(value)}" is not a number (header at byte ${offset})`);
      size = Number(value);
    }
    const dataless = DATALESS.has(typeflag) || (REGULAR.has(typeflag) && name.endsWith('/'));
    if (dataless && size !== 0)
      extensions.push(
        `declares ${size} bytes of data on a ${typeflag === '5' || REGULAR.has(typeflag) ? 'folder' : 'link or special file'}; GNU tar reads those bytes as the next header`,
      );
    this.longName = undefined;
    this.longLink = undefined;
    this.local = undefined;
    this.pendingExtensions = [];
    const entry: TarEntry = { name, typeflag, mode: header.mode, size: dataless ? 0 : size, linkname: pax('linkpath') ?? header.linkname, offset, extensions };
    const sink = this.visitor.entry(entry);
    if (header.extended) {
      this.state = { at: 'sparse-map', then: { remain: entry.size, sink, name } };
      return;
    }
    this.startData(entry.size, sink, undefined, undefined, name);
  }

  private startData(size: number, sink: EntrySink | undefined, meta: Buffer[] | undefined, header: MetaHeader | undefined, name: string): void {
    this.state = { at: 'data', remain: size, pad: padOf(size), sink, meta, header, name };
    if (size === 0) this.finishData(this.state);
  }

  /** Old GNU sparse headers: extension blocks follow until one says no more (byte 504). */
  private sparseMap(state: State & { at: 'sparse-map' }, block: Buffer): void {
    if (block[504] !== 0) return;
    const { remain, sink, name } = state.then;
    this.startData(remain, sink, undefined, undefined, name);
  }

  private consumeData(state: State & { at: 'data' }, chunk: Buffer, at: number): number {
    if (state.remain > 0) {
      const take = Math.min(state.remain, chunk.length - at);
      const slice = chunk.subarray(at, at + take);
      state.sink?.write(slice);
      state.meta?.push(slice);
      state.remain -= take;
      this.offset += take;
      if (state.remain === 0) this.finishData(state);
      return take;
    }
    const take = Math.min(state.pad, chunk.length - at);
    if (!isZero(chunk, at, at + take)) {
      this.visitor.problem({
        code: 'trailing-data',
        path: printable(state.name),
        message: `the export hides non-zero bytes in the block padding after "${printable(state.name)}" (byte ${this.offset})`,
      });
    }
    state.pad -= take;
    this.offset += take;
    if (state.pad === 0) this.state = { at: 'header' };
    return take;
  }

  private finishData(state: State & { at: 'data' }): void {
    state.sink?.end();
    if (state.meta && state.header) this.applyMeta(state.header, Buffer.concat(state.meta));
    if (state.pad === 0) this.state = { at: 'header' };
  }

  private applyMeta(header: MetaHeader, data: Buffer): void {
    switch (header.typeflag) {
      case 'x':
        // list.c read_header: a later local pax header replaces an earlier one.
        this.local = toPax(data);
        break;
      case 'X':
        this.local = toPax(data);
        this.pendingExtensions.push('follows a Solaris extended header (typeflag X)');
        break;
      case 'g':
        // xheader.c: a global header replaces the previous one and applies to every later entry.
        this.global = toPax(data);
        this.visitor.problem({
          code: 'tar-entry',
          path: '',
          message: `the export holds a global pax header (byte ${header.offset}); GNU tar applies it to every entry after it`,
        });
        break;
      case 'L':
      case 'K': {
        const nul = data.indexOf(0);
        const value = data.toString('latin1', 0, nul === -1 ? data.length : nul);
        if (nul !== -1 && !isZero(data, nul, data.length)) this.pendingExtensions.push('carries bytes after the end of its GNU long name record');
        if (header.typeflag === 'L') this.longName = value;
        else this.longLink = value;
        break;
      }
    }
  }

  private consumeTrailing(state: State & { at: 'end' }, chunk: Buffer, at: number): number {
    // One byte past the limit is enough to know it is passed.
    const take = Math.min(chunk.length - at, Math.max(1, this.limits.maxTrailing + 1 - state.trailing));
    state.trailing += take;
    this.offset += take;
    if (!isZero(chunk, at, at + take)) {
      this.visitor.problem({
        code: 'trailing-data',
        path: '',
        message: `the export holds non-zero bytes after the end of its tar archive (the end block at byte ${state.endAt}); tar never extracts them`,
      });
      this.state = { at: 'stopped' };
    } else if (state.trailing > this.limits.maxTrailing) {
      this.visitor.problem({
        code: 'trailing-data',
        path: '',
        message: `the export holds more than ${this.limits.maxTrailing} bytes after the end of its tar archive; tar pads to its record size, never this much`,
      });
      this.state = { at: 'stopped' };
    }
    return take;
  }
}

interface Pax {
  records: Map<string, string>;
  /** What an export never holds, at most two clauses however many records. */
  clauses: string[];
}

function toPax(data: Buffer): Pax {
  const records = parsePax(data);
  const keys = [...records.keys()];
  const clauses: string[] = [];
  const sparse = keys.find((key) => key.startsWith('GNU.sparse.'));
  if (sparse) clauses.push(`is a sparse file (pax keyword ${printable(sparse)}); GNU tar extracts other bytes than the archive holds`);
  const odd = keys.filter((key) => !key.startsWith('GNU.sparse.') && !PLAIN_KEYWORDS.has(key));
  if (odd.length > 0) {
    const named = odd
      .slice(0, 3)
      .map((key) => `"${printable(key)}"`)
      .join(', ');
    clauses.push(`carries pax keyword${odd.length > 1 ? 's' : ''} ${named}${odd.length > 3 ? ` and ${odd.length - 3} more` : ''}, which an export never holds`);
  }
  return { records, clauses };
}

function padOf(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}
