import { createReadStream } from 'node:fs';
import { Parser, type ReadEntry } from 'tar';
import { CustodyError } from '../errors.js';

/** All the bytes kept from one export in one pass (as verify's own limit). */
export const MAX_KEPT_BYTES = 512 * 1024 * 1024;

/**
 * Stream an exported `.tar.gz` once and keep the bodies of the regular files
 * named in `wanted`, never unpacking anything to disk. Links, devices and
 * duplicate paths are skipped (verification has already reported them).
 */
export async function readTarFiles(path: string, wanted: ReadonlySet<string>, maxBytes = MAX_KEPT_BYTES): Promise<Map<string, Buffer>> {
  const kept = new Map<string, Buffer>();
  let total = 0;
  const parser = new Parser({ strict: true });
  let failure: CustodyError | undefined;
  parser.on('entry', (entry: ReadEntry) => {
    const name = entry.header.path ?? entry.path;
    const regular = entry.type === 'File' || entry.type === 'OldFile' || entry.type === 'ContiguousFile';
    if (!regular || !wanted.has(name) || kept.has(name)) {
      entry.resume();
      return;
    }
    total += entry.size;
    if (total > maxBytes) {
      failure ??= new CustodyError('INPUT_TOO_LARGE', `${path}: the evidence to read is over ${maxBytes} bytes; unpack the export and give its folder instead`);
      entry.resume();
      return;
    }
    const chunks: Buffer[] = [];
    entry.on('data', (chunk: Buffer) => chunks.push(chunk));
    entry.on('end', () => kept.set(name, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve, reject) => {
    const input = createReadStream(path);
    const fail = (err: unknown) => {
      input.destroy();
      reject(new CustodyError('NOT_A_BUNDLE', `${path} cannot be read as a .tar.gz export: ${err instanceof Error ? err.message : String(err)}`));
    };
    input.on('error', fail);
    parser.on('error', fail);
    parser.on('close', () => resolve());
    input.pipe(parser as unknown as NodeJS.WritableStream);
  });
  if (failure) throw failure;
  return kept;
}
