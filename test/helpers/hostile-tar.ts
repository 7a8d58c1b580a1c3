import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createGzip, gunzipSync, gzipSync } from 'node:zlib';
import { Header } from 'tar';

export interface RawTarEntry {
  path: string;
  type?: 'File' | 'Directory' | 'SymbolicLink' | 'Link' | 'CharacterDevice' | 'BlockDevice' | 'FIFO';
  body?: string | Buffer;
  linkpath?: string;
}

/**
 * Build a .tar.gz byte by byte from headers encoded by the tar library, so
 * that tests can make archives no well-behaved packer would: absolute paths,
 * `..`, links, devices.
 */
export function hostileTarGz(entries: RawTarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const body = Buffer.from(entry.body ?? '');
    const header = new Header({
      path: entry.path,
      type: entry.type ?? 'File',
      mode: 0o644,
      size: entry.type === undefined || entry.type === 'File' ? body.length : 0,
      mtime: new Date('2026-11-29T00:00:00Z'),
      uid: 0,
      gid: 0,
      ...(entry.linkpath !== undefined ? { linkpath: entry.linkpath } : {}),
    });
    const block = Buffer.alloc(512);
    header.encode(block, 0);
    blocks.push(block);
    if (body.length > 0 && (entry.type ?? 'File') === 'File') {
      blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

// Raw tar records, written field by field (POSIX.1-1988 ustar layout), so
// that a test controls every byte a tar reader looks at: the typeflag, the
// magic, the prefix field, the size, the checksum.

export interface RawHeader {
  name: string;
  /** One typeflag character; default `0` (regular file). */
  type?: string;
  size?: number;
  prefix?: string;
  /** `ustar` (POSIX, prefix honoured), `gnu` (`ustar  `), or `v7` (no magic). */
  magic?: 'ustar' | 'gnu' | 'v7';
  linkname?: string;
  /** Permission bits; default 0644. */
  mode?: number;
  /** Spoil the checksum on purpose. */
  badChecksum?: boolean;
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

/** One 512-byte tar header. */
export function tarHeader(h: RawHeader): Buffer {
  const block = Buffer.alloc(512);
  Buffer.from(h.name, 'utf8').copy(block, 0, 0, 100);
  block.write(octal(h.mode ?? 0o644, 8), 100, 'latin1');
  block.write(octal(0, 8), 108, 'latin1');
  block.write(octal(0, 8), 116, 'latin1');
  block.write(octal(h.size ?? 0, 12), 124, 'latin1');
  block.write(octal(Date.UTC(2026, 10, 29) / 1000, 12), 136, 'latin1');
  block.write(h.type ?? '0', 156, 'latin1');
  Buffer.from(h.linkname ?? '', 'utf8').copy(block, 157, 0, 100);
  const magic = h.magic ?? 'ustar';
  if (magic === 'ustar') block.write('ustar\u000000', 257, 'latin1');
  if (magic === 'gnu') block.write('ustar  \u0000', 257, 'latin1');
  Buffer.from(h.prefix ?? '', 'utf8').copy(block, 345, 0, 155);
  block.fill(' ', 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  if (h.badChecksum) sum += 1;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

/** Data padded with zeros (or `fill`) to the next 512-byte boundary. */
export function padded(body: Buffer | string, fill = 0): Buffer {
  const data = Buffer.from(body);
  return Buffer.concat([data, Buffer.alloc((512 - (data.length % 512)) % 512, fill)]);
}

/** A header and its data; a name over 100 bytes goes into the ustar prefix field. */
export function tarFile(name: string, body: Buffer | string = '', header: Partial<RawHeader> = {}): Buffer {
  const data = Buffer.from(body);
  let split = { name, prefix: '' };
  const cut = name.lastIndexOf('/', 155);
  if (Buffer.byteLength(name) > 100 && cut > 0 && Buffer.byteLength(name.slice(cut + 1)) <= 100)
    split = { name: name.slice(cut + 1), prefix: name.slice(0, cut) };
  return Buffer.concat([tarHeader({ ...split, size: data.length, ...header }), padded(data)]);
}

/** A pax extended header (`x`, or `g` for a global one) holding these records. */
export function paxHeader(records: Record<string, string>, type: 'x' | 'g' = 'x'): Buffer {
  let body = '';
  for (const [key, value] of Object.entries(records)) {
    const rest = ` ${key}=${value}\n`;
    let length = Buffer.byteLength(rest) + 1;
    while (String(length).length + Buffer.byteLength(rest) !== length) length++;
    body += `${length}${rest}`;
  }
  return tarFile(type === 'g' ? 'pax_global_header' : 'PaxHeaders/entry', body, { type });
}

/** A GNU long name (`L`) or long link name (`K`) record. */
export function longName(name: string, type: 'L' | 'K' = 'L'): Buffer {
  return tarFile('././@LongLink', `${name}\0`, { type, magic: 'gnu' });
}

/** The two zero blocks that end a tar archive. */
export const TAR_END = Buffer.alloc(1024);

/** The uncompressed tar inside a .tar.gz, up to (not including) its end-of-archive blocks. */
export function tarWithoutEnd(gz: Buffer): Buffer {
  const tar = gunzipSync(gz);
  let offset = 0;
  while (offset + 512 <= tar.length && tar.subarray(offset, offset + 512).some((byte) => byte !== 0)) {
    const size = parseInt(
      tar
        .subarray(offset + 124, offset + 136)
        .toString('latin1')
        .replace(/\0.*$/s, '')
        .trim() || '0',
      8,
    );
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return tar.subarray(0, offset);
}

/** Stream generated tar bytes into a .tar.gz file without holding them in memory. */
export async function writeTarGz(file: string, chunks: Iterable<Buffer>, level = 1): Promise<void> {
  const gzip = createGzip({ level });
  const sink = createWriteStream(file);
  gzip.pipe(sink);
  for (const chunk of chunks) {
    if (!gzip.write(chunk)) await once(gzip, 'drain');
  }
  gzip.end();
  await once(sink, 'close');
}

/** The files of a plain ustar archive (as custody's exporter writes it): name, prefix and data of each. */
export function ustarEntries(tar: Buffer): { path: string; body: Buffer }[] {
  const entries: { path: string; body: Buffer }[] = [];
  const field = (start: number, length: number) =>
    tar
      .subarray(start, start + length)
      .toString('latin1')
      .replace(/\0.*$/s, '');
  let offset = 0;
  while (offset + 512 <= tar.length && tar.subarray(offset, offset + 512).some((byte) => byte !== 0)) {
    const size = parseInt(field(offset + 124, 12).trim() || '0', 8);
    const prefix = field(offset + 345, 155);
    const name = field(offset, 100);
    entries.push({ path: prefix ? `${prefix}/${name}` : name, body: tar.subarray(offset + 512, offset + 512 + size) });
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return entries;
}
