import { createPublicKey } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { writeFileAtomic } from '../lib/atomic.js';
import { checksumLine, sha256Hex } from '../lib/hash.js';
import { withLock } from '../archive/lock.js';
import { DATE_PATTERN, SEAL_FILE, SEAL_KEY_FILE } from '../lib/archive-format.js';
import { CustodyError } from '../errors.js';
import { readRegularFile } from '../lib/read-file.js';
import { MAX_KEY_FILE } from '../trust/seal.js';
import { parsePrivateKeyPem, sealDayManifest, type SealOptions, type SealResult } from '../trust/index.js';
import { verifyArchive } from '../verify/verify.js';
import { existsSync } from 'node:fs';

/**
 * Seal a finished day: check it verifies, keep the public key beside the
 * seal (key mode) so that `verify` can check the seal with no flags, then
 * write `manifest.json.sigstore.json`, a Sigstore bundle over the day
 * manifest's exact bytes. A day is sealed once; archive refuses a sealed day.
 */
export async function sealDay(dayDir: string, options: SealOptions): Promise<SealResult> {
  const date = basename(resolve(dayDir));
  if (!DATE_PATTERN.test(date)) throw new CustodyError('NOT_A_BUNDLE', `${dayDir} is not a day folder (YYYY-MM-DD)`);
  return withLock(dirname(resolve(dayDir)), {}, async () => {
    if (existsSync(join(dayDir, SEAL_FILE))) throw new CustodyError('USAGE', `${dayDir} is already sealed (${SEAL_FILE}); a seal is never rewritten`);
    const report = await verifyArchive(dayDir);
    if (!report.ok || report.warnings.length > 0) {
      const first = report.problems[0];
      throw new CustodyError(
        'VERIFICATION_FAILED',
        `refusing to seal ${dayDir}: ${first ? `${first.code} ${first.path}: ${first.message}` : report.warnings[0]}`,
      );
    }
    if ('keyPath' in options) {
      const text = (await readRegularFile(options.keyPath, { what: 'signing key', maxBytes: MAX_KEY_FILE })).toString('utf8');
      const publicPem = createPublicKey(parsePrivateKeyPem(text, options.keyPath)).export({ type: 'spki', format: 'pem' }).toString();
      await writeFileAtomic(join(dayDir, SEAL_KEY_FILE), publicPem);
      await writeFileAtomic(join(dayDir, `${SEAL_KEY_FILE}.sha256`), checksumLine(sha256Hex(publicPem), SEAL_KEY_FILE));
    }
    return sealDayManifest(dayDir, options);
  });
}
