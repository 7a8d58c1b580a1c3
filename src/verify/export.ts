import { EXPORT_SUMS } from '../lib/archive-format.js';
import { digestOf, type VerifyContext } from './context.js';
import { isSafeRelativePath } from './safe-path.js';

/** An export's top-level SHA256SUMS lists every file once, with the right hash. */
export async function checkExportSums(context: VerifyContext): Promise<void> {
  const text = await context.tree.readText(EXPORT_SUMS);
  if (text === undefined) {
    context.problems.push({ code: 'missing', path: EXPORT_SUMS, message: `${EXPORT_SUMS} is missing from the export` });
    return;
  }
  const listed = new Set<string>();
  text.split('\n').forEach((line, index) => {
    if (line === '') return;
    const match = /^([a-f0-9]{64}) {2}(\S[^\n]*)$/.exec(line);
    if (!match || !isSafeRelativePath(match[2])) {
      context.problems.push({
        code: 'checksum-format',
        path: `${EXPORT_SUMS}:${index + 1}`,
        message: `${EXPORT_SUMS} line ${index + 1} is not "<64 hex>  relative/path"`,
      });
      return;
    }
    const [, sha, file] = match as unknown as [string, string, string];
    listed.add(file);
    const actual = digestOf(context.tree, file)?.sha256;
    if (!context.files.has(file)) context.problems.push({ code: 'missing', path: file, message: `${file} is listed in ${EXPORT_SUMS} but missing` });
    else if (actual !== sha) context.problems.push({ code: 'altered', path: file, message: `${file} has sha256 ${actual}; ${EXPORT_SUMS} says ${sha}` });
  });
  for (const file of context.files.keys()) {
    if (!listed.has(file)) context.problems.push({ code: 'unlisted', path: file, message: `${file} is not in ${EXPORT_SUMS}` });
  }
}
