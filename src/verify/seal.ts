import { MANIFEST, SEAL_FILE, SEAL_KEY_FILE } from '../lib/archive-format.js';
import { claim, join2, type VerifyContext } from './context.js';

/**
 * A sealed day: the seal must verify over the manifest's exact bytes (the
 * auditor's key, else the key kept beside it). The Sigstore libraries are
 * loaded only when a seal is there.
 */
export async function checkDaySeal(context: VerifyContext, prefix: string): Promise<void> {
  const sealFile = join2(prefix, SEAL_FILE);
  const keyFile = join2(prefix, SEAL_KEY_FILE);
  if (!context.files.has(sealFile)) {
    if (context.files.has(keyFile))
      context.problems.push({ code: 'seal-invalid', path: keyFile, message: `${keyFile} is there but the seal ${SEAL_FILE} is missing` });
    return;
  }
  for (const file of [sealFile, keyFile]) claim(context, file);
  const seal = await context.tree.readBytes(sealFile);
  const manifest = await context.tree.readBytes(join2(prefix, MANIFEST));
  if (!seal || !manifest) return;
  let trust = context.options.trust;
  if (!trust) {
    const key = context.files.has(keyFile) ? await context.tree.readBytes(keyFile) : undefined;
    if (!key) {
      context.warnings.push(`${sealFile}: no key beside the seal and none given (--key, --trusted-root): the seal was not checked`);
      return;
    }
    const { buildTrustMaterial } = await import('../trust/index.js');
    trust = buildTrustMaterial([{ path: keyFile, role: 'key', bytes: key }], {});
    context.warnings.push(`${sealFile}: checked against the key kept beside it; pass --key to pin the signer`);
  }
  context.seals++;
  const { checkSeal } = await import('./signatures.js');
  const problem = checkSeal(sealFile, seal, manifest, trust);
  if (problem) context.problems.push(problem);
}
