import { CustodyError } from '../../errors.js';
import { isRecord, parseJson } from '../bytes.js';
import { parseName, type DistinguishedName } from './certs.js';
import { STORE_TYPES, type NotationStores } from './store.js';

/**
 * The Notation trust policy document, version 1.0
 * (trust-store-trust-policy.md, "Trust Policy"): statements naming the
 * repositories they apply to, how strictly to verify, which trust stores
 * and which signer identities to trust.
 */
export type Action = 'enforce' | 'log' | 'skip';
export type Level = 'strict' | 'permissive' | 'audit' | 'skip';
export type Check = 'authenticity' | 'authenticTimestamp' | 'expiry' | 'revocation';

export interface TrustedIdentity {
  /** As written in the policy. */
  text: string;
  /** undefined for `*`. */
  subject?: DistinguishedName;
}

export interface PolicyStatement {
  name: string;
  registryScopes: string[];
  level: Level;
  actions: Record<Check, Action>;
  verifyTimestamp: 'always' | 'afterCertExpiry';
  trustStores: string[];
  trustedIdentities: TrustedIdentity[];
}

export interface NotationPolicy {
  statements: PolicyStatement[];
  /** Built by custody because no policy file was given. */
  implicit: boolean;
}

/** What each level does with each check (trust-store-trust-policy.md, "Signature Verification details"). Integrity is always enforced. */
const LEVELS: Record<Level, Record<Check, Action>> = {
  strict: { authenticity: 'enforce', authenticTimestamp: 'enforce', expiry: 'enforce', revocation: 'enforce' },
  permissive: { authenticity: 'enforce', authenticTimestamp: 'log', expiry: 'log', revocation: 'log' },
  audit: { authenticity: 'log', authenticTimestamp: 'log', expiry: 'log', revocation: 'log' },
  skip: { authenticity: 'skip', authenticTimestamp: 'skip', expiry: 'skip', revocation: 'skip' },
};
const CHECKS: Check[] = ['authenticity', 'authenticTimestamp', 'expiry', 'revocation'];
const STORE = /^(ca|signingAuthority|tsa):([A-Za-z0-9_.-]+)$/;
/** registry[:port]/repository, as a distribution reference without tag or digest. */
const SCOPE = /^[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+$/;

/** Parse and validate a trust policy file; every problem is an INVALID_INPUT naming the file and field. */
export function parseNotationPolicy(bytes: Uint8Array, path: string): NotationPolicy {
  const doc = parseJson(bytes);
  const err: PolicyError = (where, message) => new CustodyError('INVALID_INPUT', `${path}${where}: ${message}`);
  if (!isRecord(doc)) throw err('', 'not a JSON object (Notation trust policy)');
  if (doc.version !== '1.0') throw err('#/version', `trust policy version ${JSON.stringify(doc.version)} is not supported (1.0)`);
  if (!Array.isArray(doc.trustPolicies) || doc.trustPolicies.length === 0) throw err('#/trustPolicies', 'at least one trust policy statement is required');
  const statements: PolicyStatement[] = [];
  const names = new Set<string>();
  const scopes = new Set<string>();
  for (const [i, raw] of doc.trustPolicies.entries()) {
    const at = `#/trustPolicies/${i}`;
    if (!isRecord(raw)) throw err(at, 'a statement is an object');
    const name = raw.name;
    if (typeof name !== 'string' || name.trim() === '') throw err(`${at}/name`, 'a statement needs a name');
    if (names.has(name)) throw err(`${at}/name`, `two statements are named ${JSON.stringify(name)}`);
    names.add(name);
    const registryScopes = parseScopes(raw.registryScopes, name, scopes, err, at);
    const { level, actions, verifyTimestamp } = parseVerification(raw.signatureVerification, err, at);
    const { stores, identities } = parseTrustLists(raw, name, level, err, at);
    statements.push({ name, registryScopes, level, actions, verifyTimestamp, trustStores: stores, trustedIdentities: parseIdentities(identities, err, at) });
  }
  return { statements, implicit: false };
}

/** The error for a field of the policy file, its JSON Pointer `where` after the file's path. */
type PolicyError = (where: string, message: string) => CustodyError;

/** A statement's registryScopes: `*` alone, or registry/repository names no other statement has taken (`seen`, updated). */
function parseScopes(value: unknown, name: string, seen: Set<string>, err: PolicyError, at: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.some((s) => typeof s !== 'string')) {
    throw err(`${at}/registryScopes`, `statement ${JSON.stringify(name)} needs registryScopes (strings; "*" for all)`);
  }
  const registryScopes = value as string[];
  if (registryScopes.includes('*') && registryScopes.length > 1)
    throw err(`${at}/registryScopes`, `"*" must be the only scope of statement ${JSON.stringify(name)}`);
  for (const scope of registryScopes) {
    if (scope !== '*' && !SCOPE.test(scope)) throw err(`${at}/registryScopes`, `${JSON.stringify(scope)} is not registry/repository (no tag or digest)`);
    if (seen.has(scope)) throw err(`${at}/registryScopes`, `scope ${JSON.stringify(scope)} appears in more than one statement`);
    seen.add(scope);
  }
  return registryScopes;
}

/** signatureVerification: its level, the action per check (the level's, with overrides the spec allows), and when to verify the timestamp. */
function parseVerification(verification: unknown, err: PolicyError, at: string): Pick<PolicyStatement, 'level' | 'actions' | 'verifyTimestamp'> {
  if (!isRecord(verification)) throw err(`${at}/signatureVerification`, 'signatureVerification {level} is required');
  const level = verification.level;
  if (level !== 'strict' && level !== 'permissive' && level !== 'audit' && level !== 'skip') {
    throw err(`${at}/signatureVerification/level`, `${JSON.stringify(level)} is not strict, permissive, audit or skip`);
  }
  const actions = { ...LEVELS[level] };
  if (verification.override !== undefined) {
    if (level === 'skip') throw err(`${at}/signatureVerification/override`, 'the skip level cannot be overridden');
    if (!isRecord(verification.override)) throw err(`${at}/signatureVerification/override`, 'override is an object of check: action');
    for (const [check, action] of Object.entries(verification.override)) {
      if (check === 'integrity') throw err(`${at}/signatureVerification/override`, 'integrity verification cannot be overridden');
      if (!(CHECKS as string[]).includes(check)) throw err(`${at}/signatureVerification/override`, `${JSON.stringify(check)} is not ${CHECKS.join(', ')}`);
      if (action !== 'enforce' && action !== 'log' && action !== 'skip')
        throw err(`${at}/signatureVerification/override/${check}`, `${JSON.stringify(action)} is not enforce, log or skip`);
      if (action === 'skip' && check !== 'revocation') throw err(`${at}/signatureVerification/override/${check}`, `${check} verification cannot be skipped`);
      actions[check as Check] = action;
    }
  }
  const verifyTimestamp = verification.verifyTimestamp ?? 'always';
  if (verifyTimestamp !== 'always' && verifyTimestamp !== 'afterCertExpiry') {
    throw err(`${at}/signatureVerification/verifyTimestamp`, `${JSON.stringify(verifyTimestamp)} is not always or afterCertExpiry`);
  }
  return { level, actions, verifyTimestamp };
}

/** trustStores and trustedIdentities: lists of strings, both empty at level skip and both given otherwise; each store `type:name`, none twice. */
function parseTrustLists(raw: Record<string, unknown>, name: string, level: Level, err: PolicyError, at: string): { stores: string[]; identities: string[] } {
  const stores = raw.trustStores ?? [];
  const identities = raw.trustedIdentities ?? [];
  if (!Array.isArray(stores) || stores.some((s) => typeof s !== 'string')) throw err(`${at}/trustStores`, 'trustStores is a list of "type:name"');
  if (!Array.isArray(identities) || identities.some((s) => typeof s !== 'string'))
    throw err(`${at}/trustedIdentities`, 'trustedIdentities is a list of strings');
  if (level === 'skip') {
    if (stores.length > 0 || identities.length > 0)
      throw err(at, `statement ${JSON.stringify(name)} has level skip: it must not name trustStores or trustedIdentities`);
  } else {
    if (stores.length === 0) throw err(`${at}/trustStores`, `statement ${JSON.stringify(name)} needs trustStores`);
    if (identities.length === 0) throw err(`${at}/trustedIdentities`, `statement ${JSON.stringify(name)} needs trustedIdentities ("*" for any)`);
  }
  for (const store of stores as string[]) {
    if (!STORE.test(store)) throw err(`${at}/trustStores`, `${JSON.stringify(store)} is not ${STORE_TYPES.join('|')}:NAME`);
  }
  if (new Set(stores).size !== stores.length) throw err(`${at}/trustStores`, 'a trust store is listed twice');
  return { stores: stores as string[], identities: identities as string[] };
}

/** trustedIdentities: `*` alone, or `x509.subject:` distinguished names naming at least C, ST and O. */
function parseIdentities(identities: string[], err: PolicyError, at: string): TrustedIdentity[] {
  const trustedIdentities: TrustedIdentity[] = [];
  if (identities.includes('*') && identities.length > 1) throw err(`${at}/trustedIdentities`, '"*" must be the only trusted identity');
  for (const text of identities) {
    if (text === '*') {
      trustedIdentities.push({ text });
      continue;
    }
    const m = /^x509\.subject:(.*)$/s.exec(text);
    if (!m) throw err(`${at}/trustedIdentities`, `${JSON.stringify(text)} is not "*" or "x509.subject:<distinguished name>"`);
    const subject = parseName(m[1]!.trim());
    if (typeof subject === 'string') throw err(`${at}/trustedIdentities`, subject);
    // trust-store-trust-policy.md: an x509.subject identity names at least C, ST and O.
    for (const required of ['C', 'ST', 'O']) {
      if (!subject.has(required)) throw err(`${at}/trustedIdentities`, `${JSON.stringify(text)} must name at least C, ST and O (it lacks ${required})`);
    }
    trustedIdentities.push({ text, subject });
  }
  return trustedIdentities;
}

/**
 * Without a policy file: one statement for every repository, strict, every
 * store of the folder, any identity; timestamps checked once a certificate
 * has expired (`afterCertExpiry`), so a store with `tsa` folders does not
 * make every untimestamped signature fail.
 */
export function implicitPolicy(stores: NotationStores): NotationPolicy {
  return {
    implicit: true,
    statements: [
      {
        name: 'custody-implicit (no --notation-trust-policy)',
        registryScopes: ['*'],
        level: 'strict',
        actions: { ...LEVELS.strict },
        verifyTimestamp: 'afterCertExpiry',
        trustStores: [...stores.keys()].sort(),
        trustedIdentities: [{ text: '*' }],
      },
    ],
  };
}

/**
 * The statement that applies to `scope` (registry/repository): an exact
 * scope first, else the `*` statement. Without a scope (a file verified
 * alone, an OCI layout) only `*` applies.
 */
export function selectStatement(policy: NotationPolicy, scope: string | undefined): PolicyStatement | string {
  if (scope !== undefined) {
    const exact = policy.statements.find((s) => s.registryScopes.includes(scope));
    if (exact) return exact;
  }
  const wildcard = policy.statements.find((s) => s.registryScopes.includes('*'));
  if (wildcard) return wildcard;
  return scope === undefined
    ? 'the trust policy has no "*" statement, and no repository is known to pick one by registryScopes'
    : `no trust policy statement applies to ${scope} (and there is no "*" statement)`;
}
