import { stat } from 'node:fs/promises';
import { CustodyError, fromFsError } from '../errors.js';
import { describeFileType } from '../lib/read-file.js';

/**
 * The archive root a user named (--root, or the folder around a day): a
 * folder, or nothing yet (it is created). Anything else is bad input named in
 * one line (exit 2), found before the lock or a day folder is touched.
 */
export async function checkArchiveRoot(root: string): Promise<void> {
  let info;
  try {
    info = await stat(root);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTDIR')
      throw new CustodyError('INVALID_INPUT', `archive root ${root} is not a folder: part of its path is a file (ENOTDIR)`, { cause: err });
    throw fromFsError(err, root, 'use archive root');
  }
  if (!info.isDirectory()) throw new CustodyError('INVALID_INPUT', `archive root ${root} is ${describeFileType(info)}, not a folder`);
}
