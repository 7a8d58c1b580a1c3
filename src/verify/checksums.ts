import { basename } from 'node:path';
import { CHECKSUM_SUFFIX } from '../lib/archive-format.js';
import { checksumLine, parseChecksumFile } from '../lib/hash.js';
import { digestOf, textOf, type VerifyContext } from './context.js';
import { excusedMove } from './journal-check.js';

/** DESIGN.md: every file has `<name>.sha256` beside it, in sha256sum format, and it matches. */
export async function checkChecksumFiles(context: VerifyContext): Promise<void> {
  const { files, pending, problems } = context;
  for (const file of files.keys()) {
    if (file.endsWith(CHECKSUM_SUFFIX)) {
      const targetFile = file.slice(0, -CHECKSUM_SUFFIX.length);
      if (!files.has(targetFile)) {
        problems.push({ code: 'missing', path: targetFile, message: `${targetFile} is missing (its checksum file ${basename(file)} is there)` });
        continue;
      }
      const kept = textOf(context, file);
      const text = (kept instanceof Promise ? await kept : kept) ?? '';
      const name = targetFile.slice(targetFile.lastIndexOf('/') + 1);
      const actual = digestOf(context.tree, targetFile);
      // What archive writes, and what the file almost always holds: the one line for the bytes as they are.
      if (actual && text === checksumLine(actual.sha256, name)) continue;
      const parsed = parseChecksumFile(text);
      if (!parsed || parsed.name !== name) {
        problems.push({ code: 'checksum-format', path: file, message: `${file} is not one line "<64 hex>  ${name}" as sha256sum writes it` });
        continue;
      }
      if (actual && actual.sha256 !== parsed.sha256 && !excusedMove(pending, targetFile, actual.sha256, parsed.sha256)) {
        problems.push({ code: 'altered', path: targetFile, message: `${targetFile} has sha256 ${actual.sha256}, its checksum file says ${parsed.sha256}` });
      }
    } else if (!files.has(file + CHECKSUM_SUFFIX) && !pending.files.has(file + CHECKSUM_SUFFIX) && !pending.moves.has(file)) {
      problems.push({ code: 'checksum-missing', path: file, message: `${file} has no ${basename(file)}${CHECKSUM_SUFFIX} beside it` });
    }
  }
}

/** A file the interrupted run created, not committed yet: present with the bytes the journal names. */
export function uncommitted(context: VerifyContext, file: string): boolean {
  const sha = digestOf(context.tree, file)?.sha256;
  if (sha === undefined) return false;
  const { pending } = context;
  if (pending.files.get(file) === sha) return true;
  const move = pending.moves.get(file);
  if (move?.before === null && move.after === sha) return true;
  // The checksum file of such a manifest, once the checksum loop has found it right.
  return (
    file.endsWith(CHECKSUM_SUFFIX) &&
    pending.moves.get(file.slice(0, -CHECKSUM_SUFFIX.length))?.before === null &&
    uncommitted(context, file.slice(0, -CHECKSUM_SUFFIX.length))
  );
}
