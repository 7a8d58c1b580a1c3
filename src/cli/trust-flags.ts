import type { TrustMaterial, TrustOptions } from '../trust/index.js';
import type { FlagUses } from './flags.js';

/** Trust flags with cosign's names and meaning, shared by archive, verify, verify-evidence and report. */
export interface TrustArgs {
  key?: string[];
  trustedRoot?: string[];
  certificateIdentity?: string;
  certificateIdentityRegexp?: string;
  certificateOidcIssuer?: string;
  certificateOidcIssuerRegexp?: string;
  caRoots?: string[];
  caIntermediates?: string[];
  rekorKey?: string[];
  notationTrustStore?: string;
  notationTrustPolicy?: string;
}

export const TRUST_FLAGS = {
  key: 'public key PEM (ECDSA P-256/P-384, Ed25519, RSA); repeatable',
  'trusted-root': 'Sigstore trusted_root.json (Fulcio CAs, Rekor keys, CT logs, TSAs); repeatable',
  'certificate-identity': 'exact certificate SAN the signer must have',
  'certificate-identity-regexp': 'regexp a certificate SAN must match (searched, as cosign; anchor with ^…$)',
  'certificate-oidc-issuer': 'exact Fulcio OIDC issuer',
  'certificate-oidc-issuer-regexp': 'regexp the Fulcio OIDC issuer must match',
  'ca-roots': 'private-PKI root certificates (PEM) for cosign certificates',
  'ca-intermediates': 'private-PKI intermediate certificates (PEM)',
  'rekor-key': 'a Rekor public key (PEM) to check SETs without a trusted root',
  'notation-trust-store': 'Notation trust store folder (x509/{ca,signingAuthority,tsa}/NAME/ of PEM or DER certificates)',
  'notation-trust-policy': 'Notation trust policy (version 1.0) naming stores, identities and level; default: every store, any identity, strict',
} satisfies FlagUses;

export function toTrustOptions(args: TrustArgs): TrustOptions {
  const options: TrustOptions = {};
  if (args.key?.length) options.keys = args.key;
  if (args.trustedRoot?.length) options.trustedRoots = args.trustedRoot;
  if (args.caRoots?.length) options.caRoots = args.caRoots;
  if (args.caIntermediates?.length) options.caIntermediates = args.caIntermediates;
  if (args.rekorKey?.length) options.rekorKeys = args.rekorKey;
  if (args.certificateIdentity !== undefined) options.certificateIdentity = args.certificateIdentity;
  if (args.certificateIdentityRegexp !== undefined) options.certificateIdentityRegexp = args.certificateIdentityRegexp;
  if (args.certificateOidcIssuer !== undefined) options.certificateOidcIssuer = args.certificateOidcIssuer;
  if (args.certificateOidcIssuerRegexp !== undefined) options.certificateOidcIssuerRegexp = args.certificateOidcIssuerRegexp;
  if (args.notationTrustStore !== undefined) options.notationTrustStore = args.notationTrustStore;
  if (args.notationTrustPolicy !== undefined) options.notationTrustPolicy = args.notationTrustPolicy;
  return options;
}

/** Did the user give any trust material or constraint? */
export function hasTrust(options: TrustOptions): boolean {
  return Object.keys(options).length > 0;
}

/**
 * The trust material the flags name, loaded and checked as verify loads it;
 * undefined when none is given. The Sigstore libraries load only then: a
 * plain verify or report stays light.
 */
export async function loadTrustArgs(args: TrustArgs): Promise<TrustMaterial | undefined> {
  const options = toTrustOptions(args);
  return hasTrust(options) ? (await import('../trust/index.js')).loadTrustMaterial(options) : undefined;
}
