import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/gate/evaluate.js';
import { prepareInput, type GateItem } from '../../src/gate/prepare.js';
import type { Reverify, ReverifyRequest } from '../../src/gate/reverify.js';
import { normalize } from '../../src/normalize/normalize.js';
import type { Origin, Subject } from '../../src/types.js';
import { KEY_SIGNERS, NOW, policyWith } from './helpers/evidence.js';
import { cosignSignature, dsseEnvelope, makeKey, sha256, SLSA_V1, slsaV1, spdxSbom, statement } from './helpers/signing.js';

const CONFIG = Buffer.from(
  JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: { User: '1000', Labels: { 'org.opencontainers.image.source': 'x' } },
    rootfs: { type: 'layers', diff_ids: [] },
  }),
);
const MANIFEST = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(CONFIG), size: CONFIG.length },
    layers: [],
  }),
);
const IMAGE = sha256(MANIFEST);

function item(bytes: Buffer, origin: Origin, mediaType = ''): GateItem {
  return {
    id: origin.file ?? origin.method,
    bytes,
    mediaType,
    origin,
    normalized: normalize(
      { bytes, mediaType, ...(origin.descriptor?.annotations ? { annotations: origin.descriptor.annotations } : {}) },
      { imageDigests: [IMAGE] },
    ),
  };
}
const local = (name: string): Origin => ({ method: 'local-file', file: name });
const subject: Subject = { ref: `ghcr.io/acme/app@${IMAGE}`, digest: IMAGE, mediaType: null, platforms: [] };
const image = policyWith({ image: { mode: 'enforce', nonRoot: true, requiredLabels: ['org.opencontainers.image.source'] } });

/** An injected Reverify that records what it was asked and says yes. */
function recording(): { reverify: Reverify; calls: ReverifyRequest[] } {
  const calls: ReverifyRequest[] = [];
  return { calls, reverify: async (request) => (calls.push(request), { verified: true, identity: { keyHint: 'k'.repeat(64) }, reason: 'test double' }) };
}

describe('prepareInput', () => {
  it('a config given as a local file counts only when a manifest with the image digest names it', async () => {
    const { reverify } = recording();
    const alone = await prepareInput(subject, [item(CONFIG, local('config.json'))], image, reverify);
    expect(alone.evidence[0]!.about).toEqual([]);
    expect(evaluate(alone, image, NOW).results[0]).toMatchObject({
      status: 'fail',
      reason: expect.stringMatching(/image config of the image .* is not available/),
    });

    const bound = await prepareInput(subject, [item(CONFIG, local('config.json')), item(MANIFEST, local('manifest.json'))], image, reverify);
    expect(bound.evidence[0]!.about).toEqual([IMAGE]);
    expect(evaluate(bound, image, NOW).results[0]).toMatchObject({ status: 'pass' });
  });

  it('a local file that names no image is about the image as referenced; one naming another image is about nothing', async () => {
    const { reverify } = recording();
    const input = await prepareInput(subject, [item(spdxSbom(IMAGE, 3), local('sbom.json'))], image, reverify);
    expect(input.evidence[0]!.about).toEqual([IMAGE]);
    const key = makeKey();
    const foreign = dsseEnvelope(statement(SLSA_V1, slsaV1('b', 'r'), [sha256('another image')]), key.privateKey);
    const other = await prepareInput(subject, [item(foreign, local('att.json'))], image, reverify);
    expect(other.evidence[0]!.about).toEqual([]);
  });

  it('re-verifies only what the policy asks for, with the layer annotations and against the claimed digest', async () => {
    const key = makeKey();
    const { payload, annotations } = cosignSignature(IMAGE, 'ghcr.io/acme/app', key.privateKey);
    const sig = item(
      payload,
      {
        method: 'cosign-tag',
        attachedTo: IMAGE,
        descriptor: { mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', digest: sha256(payload), size: payload.length, annotations },
      },
      'application/vnd.dev.cosign.simplesigning.v1+json',
    );
    const att = item(dsseEnvelope(statement(SLSA_V1, slsaV1('b', 'r'), [IMAGE]), key.privateKey), local('att.json'));

    const onlySbom = recording();
    await prepareInput(subject, [sig, att], policyWith({ sbom: { mode: 'enforce', formats: ['spdx'], minComponents: 1, scope: 'index' } }), onlySbom.reverify);
    expect(onlySbom.calls).toEqual([]);

    const both = recording();
    const input = await prepareInput(
      subject,
      [sig, att],
      policyWith({
        signature: { mode: 'enforce', signers: KEY_SIGNERS },
        provenance: { mode: 'enforce', predicateTypes: [SLSA_V1], scope: 'index', signers: KEY_SIGNERS },
      }),
      both.reverify,
    );
    expect(both.calls.map((c) => [c.role, c.digest, c.annotations?.['dev.cosignproject.cosign/signature'] !== undefined])).toEqual([
      ['signature', IMAGE, true],
      ['provenance', IMAGE, false],
    ]);
    expect(input.evidence[0]!.verdicts.signature).toEqual([expect.objectContaining({ verified: true, digest: IMAGE })]);
  });
});
