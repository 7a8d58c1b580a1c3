/** sha256 and the `sha256sum` lines every archived file carries: written by archive, read by verify, export and gate. */

import type * as NodeCrypto from 'node:crypto';

/**
 * node:crypto, loaded the first time it is used: a short command that hashes
 * nothing (a `custody query` on an index that is up to date) starts without
 * it, about 3 ms less.
 */
export function nodeCrypto(): typeof NodeCrypto {
  return process.getBuiltinModule('node:crypto');
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return nodeCrypto().createHash('sha256').update(bytes).digest('hex');
}

/** The line `sha256sum` writes and `sha256sum -c` reads: `<64 hex>  NAME\n`. */
export function checksumLine(sha256: string, name: string): string {
  return `${sha256}  ${name}\n`;
}

const CHECKSUM_LINE = /^([a-f0-9]{64}) ([ *])([^\n\\]+)\n?$/;

/** Parse a `.sha256` file body; undefined when it is not exactly one well-formed line. */
export function parseChecksumFile(text: string): { sha256: string; name: string } | undefined {
  const match = CHECKSUM_LINE.exec(text);
  if (!match) return undefined;
  return { sha256: match[1]!, name: match[3]! };
}
