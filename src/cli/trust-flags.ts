import type { Argv } from 'yargs';
import type { TrustOptions } from '../trust/index.js';

/** Trust flags with cosign's names and meaning, shared by archive, verify and verify-evidence. */
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

export function trustFlags(y: Argv): Argv {
  return y
    .option('key', { type: 'string', array: true, describe: 'public key PEM (ECDSA P-256/P-384, Ed25519, RSA); repeatable' })
    .option('trusted-root', { type: 'string', array: true, describe: 'Sigstore trusted_root.json (Fulcio CAs, Rekor keys, CT logs, TSAs); repeatable' })
    .option('certificate-identity', { type: 'string', describe: 'exact certificate SAN the signer must have' })
    .option('certificate-identity-regexp', { type: 'string', describe: 'regexp a certificate SAN must match (searched, as cosign; anchor with ^…$)' })
    .option('certificate-oidc-issuer', { type: 'string', describe: 'exact Fulcio OIDC issuer' })
    .option('certificate-oidc-issuer-regexp', { type: 'string', describe: 'regexp the Fulcio OIDC issuer must match' })
    .option('ca-roots', { type: 'string', array: true, describe: 'private-PKI root certificates (PEM) for cosign certificates' })
    .option('ca-intermediates', { type: 'string', array: true, describe: 'private-PKI intermediate certificates (PEM)' })
    .option('rekor-key', { type: 'string', array: true, describe: 'a Rekor public key (PEM) to check SETs without a trusted root' })
    .option('notation-trust-store', { type: 'string', describe: 'Notation trust store folder (x509/{ca,signingAuthority,tsa}/NAME/ of PEM or DER certificates)' })
    .option('notation-trust-policy', { type: 'string', describe: 'Notation trust policy (version 1.0) naming stores, identities and level; default: every store, any identity, strict' });
}

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
