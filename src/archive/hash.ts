import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const CHUNK = 1024 * 1024;

/** Hash a file in one streaming pass: never the whole file in memory. */
export async function hashFile(path: string): Promise<{ sha256: string; size: number }> {
  const handle = await open(path, 'r');
  try {
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(CHUNK);
    let size = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      size += bytesRead;
    }
    return { sha256: hash.digest('hex'), size };
  } finally {
    await handle.close();
  }
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
