import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createPublicKey } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTrustMaterial, verifyEvidence, type EvidenceInput, type Target, type TrustOptions } from '../../src/trust/index.js';
import { corpus, corpusText, PUBLIC_GOOD_ROOT, readCorpus } from './helpers/corpus.js';

/**
 * Every signed file MANIFEST.tsv says must VERIFY or must FAIL, with the
 * trust material it names. One row each; `why` says what the row proves.
 */
interface Row {
  path: string;
  expect: 'verified' | string;
  why: string;
  input: () => EvidenceInput;
  target: () => Target;
  trust: TrustOptions;
}

const GH = 'https://token.actions.githubusercontent.com';
const GITHUB_OAUTH = 'https://github.com/login/oauth';
const CI = 'cosign/containers-image';
const FULCIO_REKOR = `${CI}/dir-img-cosign-fulcio-rekor-valid`;
const COSIGN_KEY = corpus('cosign/keys/containers-image-cosign.pub');
const PGI = corpus('sigstore-bundles/cosign-testdata/trusted_root_pgi.json');

const file =
  (path: string, mediaType = 'application/octet-stream') =>
  () => ({ bytes: readCorpus(path), mediaType });
const firstLine = (path: string) => () => ({ bytes: Buffer.from(corpusText(path).split('\n')[0]!), mediaType: 'application/json' });
const artifact = (path: string) => () => ({ artifact: readCorpus(path) });
const digest = (d: string) => () => ({ digest: d });
const keyless = (identity: string, issuer: string, root = PUBLIC_GOOD_ROOT): TrustOptions => ({
  trustedRoots: [root],
  certificateIdentity: identity,
  certificateOidcIssuer: issuer,
});

/** npm attestations documents hold Sigstore bundles: {attestations: [{predicateType, bundle}]}. */
function npmBundle(path: string, predicate: 'publish' | 'provenance') {
  return () => {
    const doc = JSON.parse(corpusText(path)) as { attestations: { predicateType: string; bundle: unknown }[] };
    const entry = doc.attestations.find((a) => (predicate === 'publish' ? a.predicateType.includes('/publish/') : a.predicateType.includes('slsa.dev')));
    return { bytes: Buffer.from(JSON.stringify(entry!.bundle)), mediaType: 'application/json' };
  };
}

/** The npm registry key, from the keys.json TUF target, as the PEM file a user would pass with --key. */
function npmKeyPem(): string {
  const keys = JSON.parse(corpusText('sigstore-bundles/trust/npm-registry-keys.from-tuf-seed.json')) as {
    keys: { keyUsage: string; publicKey: { rawBytes: string } }[];
  };
  const raw = keys.keys.find((k) => k.keyUsage === 'npm:attestations')!.publicKey.rawBytes;
  const pem = createPublicKey({ key: Buffer.from(raw, 'base64'), format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' });
  const path = join(mkdtempSync(join(tmpdir(), 'custody-npm-key-')), 'npm-attestations.pub');
  writeFileSync(path, pem);
  return path;
}
const NPM_KEY = npmKeyPem();
const NPM_KEYS_JSON = corpus('sigstore-bundles/trust/npm-registry-keys.from-tuf-seed.json');
/** GCB's us-west2 provenance key (test/fixtures/trust/README.md) and the image of the corpus GCB document. */
const GCB_KEY = join(import.meta.dirname, '..', 'fixtures', 'trust', 'gcb-us-west2.pub');
const GCB_IMAGE = 'sha256:f472ca4b68898c951ac3b476cba919d0d56fca4ced631fabcead51e4b2b690e7';
const NPM_PROVENANCE_IDENTITY =
  'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/delegator_lowperms-generic_slsa3.yml@refs/tags/v1.6.0';
const NPM_OSSF_SHA512 =
  'sha512:563bc6d88c7cc60917b13cf4838473eeea6ec7ea0430f2672b16f43c2a5c82c239949c7cae7fe13bbe3b30d0571c3e56de624aa31ea43c98c12f1f190b8a7ca0';
const SIGSTORE_JS_SHA512 =
  'sha512:7bea9f6e7ff37f5fab0b36bf061200fff03099fd2fd696b91d04bc5e4f225eb9fd6e0cadcad54ba980f43fb352a99e8810b4e0abeb5c0ef2cf9108cd1f258b36';
const SIGSTORE_130_SHA512 =
  'sha512:76176ffa33808b54602c7c35de5c6e9a4deb96066dba6533f50ac234f4f1f4c6b3527515dc17c06fbe2860030f410eee69ea20079bd3a2c6f3dcf3b329b10751';

const sigstoreJs = (name: string): Row => ({
  path: `sigstore-bundles/sigstore-js/${name}.sigstore.json`,
  expect: 'verified',
  why: 'real public-good bundle, subject sigstore@1.0.0',
  input: file(`sigstore-bundles/sigstore-js/${name}.sigstore.json`, 'application/json'),
  target: digest(SIGSTORE_JS_SHA512),
  trust: keyless('brian@dehamer.com', GITHUB_OAUTH),
});

const VERIFY: Row[] = [
  {
    path: `${CI}/dir-img-cosign-valid/signature-1`,
    expect: 'verified',
    why: 'containers/image on-disk format, key-signed simple signing over this manifest',
    input: file(`${CI}/dir-img-cosign-valid/signature-1`),
    target: artifact(`${CI}/dir-img-cosign-valid/manifest.json`),
    trust: { keys: [COSIGN_KEY] },
  },
  {
    path: `${FULCIO_REKOR}/signature-1`,
    expect: 'verified',
    why: 'keyless 2022 public-good: Fulcio root from the folder, SET checked with rekor.pub',
    input: file(`${FULCIO_REKOR}/signature-1`),
    target: artifact(`${FULCIO_REKOR}/manifest.json`),
    trust: {
      caRoots: [corpus(`${FULCIO_REKOR}/fulcio_v1.crt.pem`)],
      rekorKeys: [corpus(`${FULCIO_REKOR}/rekor.pub`)],
      certificateIdentity: 'mitr@redhat.com',
      certificateOidcIssuer: GITHUB_OAUTH,
    },
  },
  {
    path: `${CI}/dir-img-cosign-pki-valid/signature-1`,
    expect: 'verified',
    why: 'private PKI: certificate → intermediate → root, valid now, no transparency log',
    input: file(`${CI}/dir-img-cosign-pki-valid/signature-1`),
    target: artifact(`${CI}/dir-img-cosign-pki-valid/manifest.json`),
    trust: {
      caRoots: [corpus(`${CI}/dir-img-cosign-pki-valid/pki_root_crts.pem`)],
      caIntermediates: [corpus(`${CI}/dir-img-cosign-pki-valid/pki_intermediate_crts.pem`)],
      certificateIdentity: 'qiwan@redhat.com',
    },
  },
  {
    path: `${CI}/rekor-set.json`,
    expect: 'verified',
    why: 'the SET fixture assembled into a cosign layer: payload, signature, certificate, chain, bundle',
    input: () => ({
      bytes: readCorpus(`${CI}/rekor-payload.json`),
      mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
      annotations: {
        'dev.cosignproject.cosign/signature': corpusText(`${CI}/rekor-sig.txt`).trim(),
        'dev.sigstore.cosign/certificate': corpusText(`${CI}/rekor-cert.pem`),
        'dev.sigstore.cosign/chain': corpusText(`${CI}/fulcio-chain.pem`),
        'dev.sigstore.cosign/bundle': corpusText(`${CI}/rekor-set.json`),
      },
    }),
    target: digest('sha256:fa93b01658e3a5a1686dc3ae55f170d8de487006fb53a28efcd12ab0710a2e5f'),
    trust: {
      caRoots: [corpus(`${FULCIO_REKOR}/fulcio_v1.crt.pem`)],
      rekorKeys: [corpus(`${FULCIO_REKOR}/rekor.pub`)],
      certificateIdentity: 'mitr@redhat.com',
      certificateOidcIssuer: GITHUB_OAUTH,
    },
  },
  {
    path: 'intoto/slsa-verifier/bcr/MODULE.bazel.intoto.jsonl',
    expect: 'verified',
    why: 'bundle v0.3 DSSE whose subject is MODULE.bazel in the folder',
    input: firstLine('intoto/slsa-verifier/bcr/MODULE.bazel.intoto.jsonl'),
    target: artifact('intoto/slsa-verifier/bcr/MODULE.bazel'),
    trust: keyless('https://github.com/bazel-contrib/publish-to-bcr/.github/workflows/publish.yaml@refs/tags/v0.0.1', GH),
  },
  {
    path: 'intoto/slsa-verifier/gha_container-based-v2.1.0-workflow_dispatch.intoto.build.slsa.json',
    expect: 'verified',
    why: 'bundle v0.2 DSSE, SLSA v1.0; subject digest as an auditor passes it with --digest',
    input: file('intoto/slsa-verifier/gha_container-based-v2.1.0-workflow_dispatch.intoto.build.slsa.json'),
    target: digest('sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'),
    trust: keyless('https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_container-based_slsa3.yml@refs/tags/v2.1.0', GH),
  },
  {
    path: 'intoto/slsa-verifier/gha_generic-v2.1.0-workflow_dispatch.intoto.jsonl',
    expect: 'verified',
    why: 'bundle v0.3 DSSE, SLSA v0.2 provenance',
    input: firstLine('intoto/slsa-verifier/gha_generic-v2.1.0-workflow_dispatch.intoto.jsonl'),
    target: digest('sha256:376e7e01348585b6e6643bc6663146b9d525d9b41228bf180eaeb4d4a3706caa'),
    trust: keyless('https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0', GH),
  },
  {
    path: 'intoto/slsa-verifier/vsa/gke-gce-pre.bcid-vsa.jsonl',
    expect: 'verified',
    why: 'bare DSSE signed with a Google key; its subject is a gce_image_id DigestSet entry',
    input: firstLine('intoto/slsa-verifier/vsa/gke-gce-pre.bcid-vsa.jsonl'),
    target: digest('gce_image_id:8970095005306000053'),
    trust: { keys: [corpus('intoto/slsa-verifier/vsa/vsa_signing_public_key.pem')] },
  },
  {
    path: 'intoto/slsa-verifier/gcb/gcloud-container-github.json',
    expect: 'verified',
    why: "real GCB provenance: GCB's us-west2 KMS key signs the payload (GCB regional keys do not sign the DSSE PAE); the statement names the image",
    input: file('intoto/slsa-verifier/gcb/gcloud-container-github.json', 'application/json'),
    target: digest(GCB_IMAGE),
    trust: { keys: [GCB_KEY] },
  },
  {
    path: 'intoto/npm/provenance-npm-test-ossf.tgz.json',
    expect: 'verified',
    why: "the whole npm attestations document: every bundle, publish with npm's registry keys, provenance keyless",
    input: file('intoto/npm/provenance-npm-test-ossf.tgz.json', 'application/json'),
    target: digest(NPM_OSSF_SHA512),
    trust: { ...keyless(NPM_PROVENANCE_IDENTITY, GH), keys: [NPM_KEYS_JSON] },
  },
  {
    path: 'intoto/npm/provenance-npm-test-ossf.tgz.json#publish',
    expect: 'verified',
    why: 'npm publish attestation: npm registry key, Rekor entry checked with the public-good root',
    input: npmBundle('intoto/npm/provenance-npm-test-ossf.tgz.json', 'publish'),
    target: digest(NPM_OSSF_SHA512),
    trust: { keys: [NPM_KEY], trustedRoots: [PUBLIC_GOOD_ROOT] },
  },
  {
    path: 'intoto/npm/provenance-npm-test-ossf.tgz.json#provenance',
    expect: 'verified',
    why: 'npm SLSA provenance attestation, keyless public-good',
    input: npmBundle('intoto/npm/provenance-npm-test-ossf.tgz.json', 'provenance'),
    target: digest(NPM_OSSF_SHA512),
    trust: keyless(NPM_PROVENANCE_IDENTITY, GH),
  },
  {
    path: 'sigstore-bundles/cosign-testdata/oci-attestation.sigstore.json',
    expect: 'verified',
    why: "cosign test bundle for an OCI image, with cosign's own copy of the public-good root",
    input: file('sigstore-bundles/cosign-testdata/oci-attestation.sigstore.json', 'application/json'),
    target: digest('sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4'),
    trust: keyless('cody@soyland.com', GITHUB_OAUTH, PGI),
  },
  {
    path: 'sigstore-bundles/sigstore-go/bundle-provenance.json',
    expect: 'verified',
    why: 'public-good DSSE with SLSA v1 provenance, sha512 subject',
    input: file('sigstore-bundles/sigstore-go/bundle-provenance.json', 'application/json'),
    target: digest(SIGSTORE_130_SHA512),
    trust: keyless('https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main', GH),
  },
  {
    path: 'sigstore-bundles/sigstore-go/bundle-publish.json',
    expect: 'verified',
    why: 'key-signed (npm registry) bundle, tlog checked with the public-good root',
    input: file('sigstore-bundles/sigstore-go/bundle-publish.json', 'application/json'),
    target: digest(SIGSTORE_130_SHA512),
    trust: { keys: [corpus('sigstore-bundles/sigstore-go/publish_key.pub')], trustedRoots: [PUBLIC_GOOD_ROOT] },
  },
  {
    path: 'sigstore-bundles/sigstore-go/dsse.sigstore.json',
    expect: 'verified',
    why: 'public-good DSSE bundle',
    input: file('sigstore-bundles/sigstore-go/dsse.sigstore.json', 'application/json'),
    target: digest('sha512:bbfd372fc9beeb777fe35d05bb10c0c70a9733d366a75fed7dd18866c7391de3ee7e88ba74dd47abf3e15c845e547fcf0e5c3da80854c751554224d3a6d4e55f'),
    trust: keyless('brian@dehamer.com', GITHUB_OAUTH),
  },
  sigstoreJs('bundleV01-dsse-no-proof'),
  sigstoreJs('bundleV01-dsse-with-proof'),
  sigstoreJs('bundleV01-full-cert-chain'),
  sigstoreJs('bundleV01-intoto-with-proof'),
  sigstoreJs('bundleV02-dsse'),
  sigstoreJs('bundleV03-intoto'),
  {
    path: 'sigstore-bundles/slsa-verifier/valid.intoto.sigstore.json',
    expect: 'verified',
    why: 'slsa-verifier bundle test fixture',
    input: file('sigstore-bundles/slsa-verifier/valid.intoto.sigstore.json', 'application/json'),
    target: digest('sha256:975a0582b8c9607f3f20a6b8cfef01b25823e68c5c3658e6e1ccaaced2a3255d'),
    trust: keyless('https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_docker-based_slsa3.yml@refs/heads/main', GH),
  },
];

/**
 * Rows the MANIFEST calls valid or "should VERIFY" that no offline verifier
 * can pass, each with the reason; they must still fail cleanly with this code.
 */
const CANNOT_VERIFY_OFFLINE: Row[] = [
  {
    path: 'sigstore-bundles/sigstore-go/othername.sigstore.json',
    expect: 'unsupported',
    why: 'a message signature whose artifact is not in the corpus (and @sigstore/verify rejects its checkpoint name)',
    input: file('sigstore-bundles/sigstore-go/othername.sigstore.json', 'application/json'),
    target: digest(`sha256:${'0'.repeat(64)}`),
    trust: keyless('foo!oidc.local', 'http://oidc.local:8080', corpus('sigstore-bundles/sigstore-go/scaffolding.json')),
  },
  {
    path: 'sigstore-bundles/sigstore-go/public-key-validity.sigstore.json',
    expect: 'unsupported',
    why: 'a message signature whose artifact is not in the corpus',
    input: file('sigstore-bundles/sigstore-go/public-key-validity.sigstore.json', 'application/json'),
    target: digest(`sha256:${'0'.repeat(64)}`),
    trust: {
      keys: [corpus('sigstore-bundles/sigstore-go/public-key-validity.pem')],
      trustedRoots: [corpus('sigstore-bundles/sigstore-go/public-key-validity.json')],
    },
  },
  ...['annotated-tag', 'multi-subject', 'gha_generic-v1.2.0-workflow_dispatch'].map((name): Row => ({
    path: `intoto/slsa-verifier/${name}.intoto.jsonl`,
    expect: 'certificate-expired',
    why: 'legacy envelope with a Fulcio certificate and no log entry: only an online Rekor lookup proves the signing time',
    input: firstLine(`intoto/slsa-verifier/${name}.intoto.jsonl`),
    target: () => ({ digest: firstSubject(`intoto/slsa-verifier/${name}.intoto.jsonl`) }),
    trust: keyless('https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v1.2.0', GH),
  })),
];

function firstSubject(path: string): string {
  const envelope = JSON.parse(corpusText(path).split('\n')[0]!) as { payload: string };
  const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as { subject: { digest: { sha256: string } }[] };
  return `sha256:${statement.subject[0]!.digest.sha256}`;
}

const FAIL: Row[] = [
  {
    path: 'invalid/containers-image/dir-img-cosign-modified-manifest/signature-1',
    expect: 'subject-mismatch',
    why: 'valid signature over the original manifest, checked against the modified one',
    input: file('invalid/containers-image/dir-img-cosign-modified-manifest/signature-1'),
    target: artifact('invalid/containers-image/dir-img-cosign-modified-manifest/manifest.json'),
    trust: { keys: [COSIGN_KEY] },
  },
  {
    path: 'invalid/containers-image/dir-img-cosign-other-attachment/signature-1',
    expect: 'unsupported',
    why: 'a text/plain attachment is not a signature, whatever its annotations say',
    input: file('invalid/containers-image/dir-img-cosign-other-attachment/signature-1'),
    target: artifact(`${CI}/dir-img-cosign-valid/manifest.json`),
    trust: { keys: [COSIGN_KEY] },
  },
  {
    path: 'invalid/containers-image/unknown-cosign-key.signature',
    expect: 'untrusted-key',
    why: 'made by a key custody was not given: it verifies with none of the keys given (cosign.pub)',
    input: file('invalid/containers-image/unknown-cosign-key.signature'),
    target: digest('sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00'),
    trust: { keys: [COSIGN_KEY] },
  },
  {
    path: 'invalid/slsa-verifier/MODULE-wrong-signer.bazel.intoto.jsonl',
    expect: 'identity-mismatch',
    why: 'cryptographically valid, signed by another workflow than the expected publish-to-bcr one',
    input: firstLine('invalid/slsa-verifier/MODULE-wrong-signer.bazel.intoto.jsonl'),
    target: artifact('invalid/slsa-verifier/MODULE-wrong-signer.bazel'),
    trust: keyless('https://github.com/bazel-contrib/publish-to-bcr/.github/workflows/publish.yaml@refs/tags/v0.0.1', GH),
  },
  {
    path: 'invalid/slsa-verifier/bundle-invalid-dsse-sig.intoto.sigstore.json',
    expect: 'tlog-invalid',
    why: 'tampered bundle: the DSSE signature in it still verifies with the certificate, but the Rekor SET no longer covers the entry',
    input: file('invalid/slsa-verifier/bundle-invalid-dsse-sig.intoto.sigstore.json', 'application/json'),
    target: digest('sha256:092b220688ee737c66882a74ae8bfe3e2b35df60b92404b552ebe905a2d633ce'),
    trust: keyless('https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_docker-based_slsa3.yml@refs/heads/main', GH),
  },
  {
    path: 'invalid/slsa-verifier/bundle-invalid-set.intoto.sigstore.json',
    expect: 'tlog-invalid',
    why: 'SignedEntryTimestamp does not verify',
    input: file('invalid/slsa-verifier/bundle-invalid-set.intoto.sigstore.json', 'application/json'),
    target: digest('sha256:092b220688ee737c66882a74ae8bfe3e2b35df60b92404b552ebe905a2d633ce'),
    trust: keyless('https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_docker-based_slsa3.yml@refs/heads/main', GH),
  },
  {
    path: 'invalid/slsa-verifier/expired-cert.intoto.jsonl',
    expect: 'certificate-expired',
    why: 'Fulcio certificate, no log entry or timestamp: not valid now, nothing proves an earlier time',
    input: firstLine('invalid/slsa-verifier/expired-cert.intoto.jsonl'),
    target: digest('sha256:4bdb495d05cbb9eb0722ec4fcfef8a02d5ca7a2fca0b0fed718447f89d39a589'),
    trust: keyless('https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v1.2.0', GH),
  },
  {
    path: 'invalid/slsa-verifier/gcb-empty-keyid.json',
    expect: 'malformed',
    why: 'a GCB signature that does not name its KMS key (GCB always does; slsa-verifier refuses it too)',
    input: file('invalid/slsa-verifier/gcb-empty-keyid.json', 'application/json'),
    target: digest(GCB_IMAGE),
    trust: { keys: [GCB_KEY] },
  },
  {
    path: 'invalid/slsa-verifier/gcb-invalid-signature-encoding.json',
    expect: 'malformed',
    why: 'the signature is not base64',
    input: file('invalid/slsa-verifier/gcb-invalid-signature-encoding.json', 'application/json'),
    target: digest(GCB_IMAGE),
    trust: { keys: [GCB_KEY] },
  },
  {
    path: 'invalid/slsa-verifier/gcb-mismatch-payload-digest.json',
    expect: 'untrusted-key',
    why: "the signed payload's subject was altered, so GCB's key does not verify it; the KMS key id is not derived from the PEM key given, so custody cannot tell an altered signature from another key's",
    input: file('invalid/slsa-verifier/gcb-mismatch-payload-digest.json', 'application/json'),
    target: digest(GCB_IMAGE),
    trust: { keys: [GCB_KEY] },
  },
  {
    path: 'invalid/slsa-verifier/gcb-no-signature.json',
    expect: 'malformed',
    why: 'not even valid JSON',
    input: file('invalid/slsa-verifier/gcb-no-signature.json', 'application/json'),
    target: digest(`sha256:${'0'.repeat(64)}`),
    trust: { trustedRoots: [PUBLIC_GOOD_ROOT] },
  },
  {
    path: 'invalid/slsa-verifier/npm-att-publish-nosubjects.intoto.sigstore.json',
    expect: 'signature-invalid',
    why: "the publish statement without subjects does not carry the npm registry signature; its hint names npm's key (keys.json keyId), so it was altered",
    input: npmBundle('invalid/slsa-verifier/npm-att-publish-nosubjects.intoto.sigstore.json', 'publish'),
    target: digest('sha512:29d19f26233f4441328412b34fd73ed104ecfef62f14097890cccf7455b521b65c5acff851849faa85c85395aa22d401436f01f3afb61b19c780e906c88c7f20'),
    trust: { keys: [corpus('sigstore-bundles/trust/npm-registry-keys.from-tuf-seed.json')], trustedRoots: [PUBLIC_GOOD_ROOT] },
  },
  {
    path: 'invalid/slsa-verifier/npm-provenance-invalidsigprov.tgz.json#document',
    expect: 'signature-invalid',
    why: 'the whole document: its publish bundle verifies, its provenance bundle does not, so the document does not',
    input: file('invalid/slsa-verifier/npm-provenance-invalidsigprov.tgz.json', 'application/json'),
    target: digest(NPM_OSSF_SHA512),
    trust: { ...keyless(NPM_PROVENANCE_IDENTITY, GH), keys: [NPM_KEYS_JSON] },
  },
  {
    path: 'invalid/slsa-verifier/npm-provenance-invalidsigprov.tgz.json',
    expect: 'signature-invalid',
    why: 'the provenance bundle signature was corrupted',
    input: npmBundle('invalid/slsa-verifier/npm-provenance-invalidsigprov.tgz.json', 'provenance'),
    target: digest(NPM_OSSF_SHA512),
    trust: keyless(NPM_PROVENANCE_IDENTITY, GH),
  },
];

async function run(row: Row) {
  const trust = await loadTrustMaterial(row.trust);
  return verifyEvidence(row.input(), row.target(), trust);
}

describe('corpus signatures MANIFEST.tsv says must VERIFY', () => {
  it.each(VERIFY.map((r) => [r.path, r] as const))('%s', async (_path, row) => {
    const verdict = await run(row);
    expect(verdict, `${row.why}: ${verdict.reason}`).toMatchObject({ verified: true });
    expect(verdict.trustMaterial?.length).toBeGreaterThan(0);
  });
});

describe('corpus signatures that cannot be verified offline fail cleanly', () => {
  it.each(CANNOT_VERIFY_OFFLINE.map((r) => [r.path, r] as const))('%s', async (_path, row) => {
    const verdict = await run(row);
    expect(verdict, `${row.why}: ${verdict.reason}`).toMatchObject({ verified: false, code: row.expect });
  });
});

describe('corpus signatures MANIFEST.tsv says must FAIL', () => {
  it.each(FAIL.map((r) => [r.path, r] as const))('%s', async (_path, row) => {
    const verdict = await run(row);
    expect(verdict, `${row.why}: ${verdict.reason}`).toMatchObject({ verified: false, code: row.expect });
  });

  it('invalid/keys/grype-cosign_broken.pub: a broken PEM key is INVALID_KEY naming the file', async () => {
    const path = corpus('invalid/keys/grype-cosign_broken.pub');
    await expect(loadTrustMaterial({ keys: [path] })).rejects.toMatchObject({ code: 'INVALID_KEY', message: expect.stringContaining(path) });
  });
});

describe('the tables cover MANIFEST.tsv', () => {
  const manifest = readFileSync(corpus('MANIFEST.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t'))
    .filter((cols) => cols.length >= 6);
  const covered = new Set([...VERIFY, ...CANNOT_VERIFY_OFFLINE, ...FAIL].map((r) => r.path.split('#')[0]));
  covered.add('invalid/keys/grype-cosign_broken.pub');
  covered.add('cosign/slsa-verifier-oci-layout-v2.1.0/blobs/sha256/21454caf3a160dfbe6359f0501aa8401c6c0f2c7a8b71380ea21f8c4b48b64fe');
  const signatureFolders = /^(cosign\/|intoto\/|sigstore-bundles\/(?!conformance\/|trust\/)|invalid\/(containers-image|slsa-verifier|keys)\/)/;

  it('every "should VERIFY" signature has a row', () => {
    const wanted = manifest.filter(([path, , , , , description]) => signatureFolders.test(path!) && /should VERIFY/.test(description!));
    expect(wanted.map(([path]) => path).filter((p) => !covered.has(p!))).toEqual([]);
  });

  it('every "must FAIL" / INVALID signature has a row', () => {
    const wanted = manifest.filter(
      ([path, , , , , description]) => path!.startsWith('invalid/') && signatureFolders.test(path!) && /must FAIL|INVALID|must be rejected/.test(description!),
    );
    expect(wanted.map(([path]) => path).filter((p) => !covered.has(p!))).toEqual([]);
  });
});
