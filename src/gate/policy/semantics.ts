import { resolve } from 'node:path';
import { isCustodyError } from '../../errors.js';
import { isRecord } from '../../lib/is-record.js';
import { compilePattern, MAX_PATTERN_LENGTH } from '../../lib/pattern.js';
import { readRegularFile } from '../../lib/read-file.js';
import { buildTrustMaterial, readTrustInputs, type TrustFileRole } from '../../trust/index.js';
import type { PolicyProblem } from './types.js';

/** Policy fields that name trust files, and what each file must be. */
export const SIGNER_FILE_FIELDS: [field: string, role: TrustFileRole][] = [
  ['keys', 'key'],
  ['trustedRoots', 'trusted-root'],
  ['caRoots', 'ca-roots'],
  ['caIntermediates', 'ca-intermediates'],
  ['rekorKeys', 'rekor-key'],
];

const MAX_TRUST_FILE = 16 * 1024 * 1024;

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string' && s !== '') : []);

/**
 * What the schema cannot say, checked on whatever parts are well formed so
 * that one run reports every problem: regexps compile as RE2, every trust file
 * exists and parses as what its field says, attestations have signers.
 */
export async function checkSemantics(value: unknown, base: string): Promise<PolicyProblem[]> {
  const problems: PolicyProblem[] = [];
  const rules = isRecord(value) && isRecord(value.rules) ? value.rules : {};
  const signature = isRecord(rules.signature) ? rules.signature : undefined;
  const provenance = isRecord(rules.provenance) ? rules.provenance : undefined;
  const scan = isRecord(rules.scan) ? rules.scan : undefined;
  const vex = scan && isRecord(scan.vex) ? scan.vex : undefined;

  const signerBlocks: [pointer: string, block: Record<string, unknown>][] = [];
  if (signature) signerBlocks.push(['/rules/signature', signature]);
  if (provenance) signerBlocks.push(['/rules/provenance', provenance]);
  if (vex) signerBlocks.push(['/rules/scan/vex', vex]);

  const checked = new Map<string, string | undefined>();
  for (const [pointer, block] of signerBlocks) {
    for (const [field, role] of SIGNER_FILE_FIELDS) {
      const paths = Array.isArray(block[field]) ? (block[field] as unknown[]) : [];
      for (const [i, p] of paths.entries()) {
        if (typeof p !== 'string' || p === '') continue;
        const absolute = resolve(base, p);
        const key = `${role}\u0000${absolute}`;
        if (!checked.has(key)) checked.set(key, await checkTrustFile(absolute, role));
        const reason = checked.get(key);
        if (reason) problems.push({ code: 'trust-file', path: `${pointer}/${field}/${i}`, message: `${pointer}/${field}/${i}: ${p} ${reason}` });
      }
    }
    if (isRecord(block.notation)) problems.push(...(await checkNotation(block.notation, base, `${pointer}/notation`)));
    const keyless = Array.isArray(block.keyless) ? block.keyless : [];
    for (const [i, entry] of keyless.entries()) {
      if (!isRecord(entry)) continue;
      for (const field of ['identityRegexp', 'issuerRegexp']) checkRegexp(entry[field], `${pointer}/keyless/${i}/${field}`, problems);
    }
  }

  if (provenance) {
    checkRegexp(provenance.builderIdRegexp, '/rules/provenance/builderIdRegexp', problems);
    checkRegexp(provenance.sourceRepositoryRegexp, '/rules/provenance/sourceRepositoryRegexp', problems);
    if (!namesSigners(provenance) && !(signature && namesSigners(signature))) {
      problems.push({
        code: 'no-signers',
        path: '/rules/provenance',
        message: '/rules/provenance needs signers to verify attestations with: give keys or keyless here or in /rules/signature',
      });
    }
  }
  if (vex && !namesSigners(vex)) {
    problems.push({ code: 'no-signers', path: '/rules/scan/vex', message: '/rules/scan/vex needs keys or keyless: who may sign the OpenVEX documents' });
  }
  return problems;
}

export function namesSigners(block: Record<string, unknown>): boolean {
  return strings(block.keys).length > 0 || (Array.isArray(block.keyless) && block.keyless.length > 0) || isRecord(block.notation);
}

/** The Notation trust store folder and policy load as src/trust would load them. */
async function checkNotation(block: Record<string, unknown>, base: string, pointer: string): Promise<PolicyProblem[]> {
  const store = typeof block.trustStore === 'string' ? resolve(base, block.trustStore) : undefined;
  const policy = typeof block.trustPolicy === 'string' ? resolve(base, block.trustPolicy) : undefined;
  if (store === undefined) return [];
  try {
    buildTrustMaterial(await readTrustInputs({ notationTrustStore: store, ...(policy !== undefined ? { notationTrustPolicy: policy } : {}) }));
    return [];
  } catch (err) {
    const message = isCustodyError(err) || err instanceof Error ? err.message : String(err);
    return [{ code: 'trust-file', path: pointer, message: `${pointer}: ${message}` }];
  }
}

/** RE2 syntax (src/lib/pattern.ts); a pattern longer than the schema allows is the schema's problem. */
function checkRegexp(value: unknown, pointer: string, problems: PolicyProblem[]): void {
  if (typeof value !== 'string' || value.length > MAX_PATTERN_LENGTH) return;
  try {
    compilePattern(value);
  } catch (err) {
    problems.push({ code: 'regexp', path: pointer, message: `${pointer}: ${JSON.stringify(value)} ${(err as Error).message}` });
  }
}

/** undefined when the file is there and parses as `role`; else why not. */
async function checkTrustFile(path: string, role: TrustFileRole): Promise<string | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readRegularFile(path, { what: 'trust file', maxBytes: MAX_TRUST_FILE });
  } catch (err) {
    if (!isCustodyError(err)) throw err;
    const type = err.details?.type;
    if (typeof type === 'string') return `(${path}) is ${type}, not a regular file`;
    if (err.code === 'INPUT_TOO_LARGE') return `(${path}) is too large for trust material`;
    return `(${path}) cannot be read: ${String(err.details?.errno ?? err.message)}`;
  }
  try {
    const material = buildTrustMaterial([{ path, role, bytes }]);
    if (role === 'trusted-root' && material.certificateAuthorities.length + material.tlogs.length + material.timestampAuthorities.length === 0) {
      return `(${path}) holds no usable certificate authority, log or timestamp authority`;
    }
    return undefined;
  } catch (err) {
    const message = isCustodyError(err) || err instanceof Error ? err.message : String(err);
    return `is not a usable ${role}: ${message.replace(`${path}: `, '')}`;
  }
}
