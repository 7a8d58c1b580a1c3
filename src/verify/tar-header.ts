/**
 * One tar header block, decoded the way GNU tar 1.34 decodes it (list.c
 * `tar_checksum`, `from_header`, `decode_header`), so that custody reads the
 * same names and sizes as the `tar -xzf` an auditor runs. Names are kept as
 * raw bytes in a latin1 string: no decoding can make two different names equal.
 */

export const BLOCK = 512;

/** A malformed archive (`format`) or one over a limit (`limit`); the caller names the file. */
export class TarError extends Error {
  constructor(
    readonly kind: 'format' | 'limit',
    message: string,
  ) {
    super(message);
  }
}

export interface TarHeader {
  /** The header's own name: `prefix/name` for POSIX ustar magic, `name` alone for GNU and v7 headers. */
  name: string;
  /** The typeflag character (`\0` for an old-style regular file). */
  typeflag: string;
  /** Permission bits, with set-ID and sticky bits. */
  mode: number;
  /** The size field. */
  size: number;
  linkname: string;
  /** Old GNU sparse (`S`): more sparse-map blocks follow the header. */
  extended: boolean;
}

const isSpace = (byte: number) => byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
const isOctal = (byte: number) => byte >= 0x30 && byte <= 0x37;

/** A NUL-terminated field as a latin1 string. */
function text(block: Buffer, start: number, length: number): string {
  const end = block.indexOf(0, start);
  return block.toString('latin1', start, end === -1 || end > start + length ? start + length : end);
}

/**
 * A numeric field as GNU tar's `from_header` reads it: one leading NUL and
 * blanks skipped, octal digits ended by NUL, blank or the field's end; or
 * base-256 (first byte 0x80) where allowed. Anything else is malformed.
 */
export function readNumber(block: Buffer, start: number, length: number, what: string, octalOnly = false): number {
  const end = start + length;
  let at = start;
  if (block[at] === 0) at++;
  while (at < end && isSpace(block[at]!)) at++;
  if (at === end) throw new TarError('format', `blank ${what} field`);
  let value = 0;
  if (isOctal(block[at]!)) {
    while (at < end && isOctal(block[at]!)) value = value * 8 + (block[at++]! - 0x30);
  } else if (!octalOnly && block[at] === 0x80) {
    for (at++; at < end; at++) value = value * 256 + block[at]!;
  }
  if (at < end && block[at] !== 0 && !isSpace(block[at]!)) throw new TarError('format', `${what} field is not a number`);
  if (!Number.isSafeInteger(value)) throw new TarError('format', `${what} field is out of range`);
  return value;
}

export function isZeroBlock(block: Buffer): boolean {
  return block.length === BLOCK && isZero(block, 0, BLOCK);
}

const ZEROS = Buffer.alloc(64 * 1024);

/** Whether every byte in `[start, end)` is zero. */
export function isZero(buffer: Buffer, start: number, end: number): boolean {
  for (let at = start; at < end; at += ZEROS.length) {
    const stop = Math.min(end, at + ZEROS.length);
    if (ZEROS.compare(buffer, at, stop, 0, stop - at) !== 0) return false;
  }
  return true;
}

/** Decode a non-zero header block; a checksum GNU tar would refuse is malformed. */
export function decodeHeader(block: Buffer): TarHeader {
  // GNU tar accepts the sum of the bytes taken as unsigned or as signed, with the checksum field counted as blanks.
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : block[i]!;
    unsigned += byte;
    signed += byte >= 0x80 ? byte - 0x100 : byte;
  }
  const recorded = readNumber(block, 148, 8, 'checksum', true);
  if (recorded !== unsigned && recorded !== signed) throw new TarError('format', 'header checksum does not match');

  // list.c: the prefix field holds a name prefix only where the magic is POSIX "ustar\0".
  const posix = block.toString('latin1', 257, 263) === 'ustar\u0000';
  const prefix = posix ? text(block, 345, 155) : '';
  const name = text(block, 0, 100);
  const typeflag = String.fromCharCode(block[156]!);
  return {
    name: prefix === '' ? name : `${prefix}/${name}`,
    typeflag,
    mode: readNumber(block, 100, 8, 'mode') & 0o7777,
    size: readNumber(block, 124, 12, 'size'),
    linkname: text(block, 157, 100),
    extended: typeflag === 'S' && block[482] !== 0,
  };
}

/**
 * The records of a pax extended header (`LEN KEY=VALUE\n` each), values as
 * raw bytes in latin1 strings; a later record for a key replaces an earlier one.
 */
export function parsePax(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const digits = space === -1 ? '' : data.toString('latin1', at, space);
    const length = /^[0-9]{1,9}$/.test(digits) ? Number(digits) : NaN;
    const end = at + length;
    if (!(length > digits.length + 1) || end > data.length || data[end - 1] !== 0x0a)
      throw new TarError('format', `malformed pax record at byte ${at} of an extended header`);
    const record = data.toString('latin1', space + 1, end - 1);
    const equals = record.indexOf('=');
    if (equals <= 0) throw new TarError('format', `pax record at byte ${at} of an extended header has no keyword`);
    records.set(record.slice(0, equals), record.slice(equals + 1));
    at = end;
  }
  return records;
}
