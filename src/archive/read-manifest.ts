import { join } from 'node:path';
import { CustodyError } from '../errors.js';
import { validateAgainst } from '../schemas.js';
import { readIfExists } from './atomic.js';
import { MANIFEST } from '../lib/archive-format.js';

/**
 * Read a folder's manifest.json before adding to it, checked against its
 * schema; undefined when there is none yet. A damaged manifest stops the
 * write: custody never builds on what it cannot trust.
 */
export async function readCheckedManifest<T>(dir: string, schema: string): Promise<{ manifest: T; bytes: Buffer } | undefined> {
  const path = join(dir, MANIFEST);
  const bytes = await readIfExists(path);
  if (!bytes) return undefined;
  // A batch rereads the day manifest before every image: when its bytes are
  // the ones already checked, reuse that result (callers never mutate it).
  const cached = checked.get(path);
  if (cached && cached.schema === schema && cached.bytes.equals(bytes)) return { manifest: cached.manifest as T, bytes };
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new CustodyError('VERIFICATION_FAILED', `${path} is not JSON; refusing to add to a damaged archive (run custody verify)`);
  }
  const problems = validateAgainst(schema, value);
  if (problems.length > 0) {
    throw new CustodyError('VERIFICATION_FAILED', `${path} does not match its schema (${problems[0]!.message}); refusing to add to a damaged archive`);
  }
  checked.set(path, { schema, bytes, manifest: value });
  if (checked.size > 64) checked.delete(checked.keys().next().value!);
  return { manifest: value as T, bytes };
}

const checked = new Map<string, { schema: string; bytes: Buffer; manifest: unknown }>();
