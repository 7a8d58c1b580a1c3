import type { Collection } from '../../collect/types.js';
import { isCustodyError, isUsageError } from '../../errors.js';
import { normalizeAll } from '../../normalize/items.js';
import { formatReference, parseReference, type ImageReference } from '../../oci/reference.js';
import type { Raw } from '../../types.js';
import { evaluate } from '../evaluate.js';
import type { Policy } from '../policy/types.js';
import { prepareInput, type GateItem } from '../prepare.js';
import { buildReport, type GateReport } from '../report.js';
import { trustReverifier } from '../trust-reverifier.js';
import type { GateOptions } from './options.js';
import { readWarnings } from './bundle.js';

/**
 * Decide from what the registry (or OCI layout) holds now: collect through
 * the collector, normalise, re-verify, evaluate. A reference that does not
 * parse is bad usage; a collection that fails for any other reason means
 * the evidence could not be obtained, and the gate fails closed with
 * outcome `unobtainable` (exit 3), never a pass.
 */
export async function gateLive(
  refText: string,
  policy: Policy,
  collector: (ref: ImageReference) => Promise<Collection>,
  options: GateOptions = {},
): Promise<GateReport> {
  const now = options.now ?? new Date();
  const ref = parseReference(refText);
  const source = { type: 'live' as const, location: formatReference(ref) };
  let collected: Collection;
  try {
    collected = await collector(ref);
  } catch (err) {
    if (isUsageError(err)) throw err;
    const code = isCustodyError(err) ? err.code : 'INTERNAL';
    const message = err instanceof Error ? err.message : String(err);
    return buildReport({
      source,
      policy,
      now,
      ref: source.location,
      unobtainable: true,
      results: [
        {
          rule: 'evidence',
          mode: 'enforce',
          status: 'error',
          reason: `evidence for ${source.location} could not be obtained (${code}): ${message}`,
          details: { code },
        },
      ],
    });
  }
  const raws: Raw[] = [...collected.image, ...collected.evidence];
  const normalized = await normalizeAll(collected.subject, raws, options.limits, undefined, { strict: options.strict === true });
  const items: GateItem[] = normalized.map((item) => ({
    id: describeItem(item.normalized.kind, item.normalized.format, item.origin),
    bytes: item.bytes,
    mediaType: item.mediaType,
    origin: item.origin,
    normalized: item.normalized,
  }));
  const reverify = options.reverify ?? (await trustReverifier(policy, now));
  const input = await prepareInput(collected.subject, items, policy, reverify);
  const decision = evaluate(input, policy, now);
  return buildReport({
    source,
    policy,
    now,
    subject: collected.subject,
    ref: collected.subject.ref,
    results: decision.results,
    warnings: [...collected.warnings, ...readWarnings(input.evidence)],
  });
}

/** `sbom/spdx sha256:0123456789ab (referrers-tag)`: what it is, which bytes, how it was found. */
function describeItem(kind: string, format: string, origin: Raw['origin']): string {
  const digest = origin.descriptor?.digest;
  const short = digest ? digest.slice(0, 19) : 'no-digest';
  return `${kind}/${format} ${short} (${origin.method})`;
}
