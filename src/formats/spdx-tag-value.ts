import type { Detection, DetectInput, Format } from './format.js';
import { parseMediaType } from './lib/media-type.js';
import { foldWhole, type FoldResult } from './fold.js';
import { spdx2Streaming } from './spdx-model.js';
import { parseTagValue, type TagValueDocument } from './spdx-tag-value-parse.js';

const MEDIA_TYPE = 'text/spdx';
const MARKER = /^(?:\uFEFF)?(?:\s*#[^\n]*\n|\s*\n)*\s*SPDXVersion:\s*SPDX-(\d+\.\d+)/;

interface Judged {
  parsed: TagValueDocument;
  /** One fold over the parsed document: schema, SPDXIDs, subjects and summary together. */
  folded: FoldResult;
}

/** Parsed and folded once per input (validate, subjects and summary are asked of the same input object). */
const memo = new WeakMap<DetectInput, Judged>();

function judged(input: DetectInput): Judged {
  let hit = memo.get(input);
  if (!hit) {
    const parsed = parseTagValue(input.text ?? '', false);
    hit = { parsed, folded: foldWhole(spdx2Streaming, parsed.doc) };
    memo.set(input, hit);
  }
  return hit;
}

/**
 * SPDX 2.x tag-value (`text/spdx`, as cosign and syft attach it): read into
 * the JSON model and checked with the SPDX 2 rules. Paths point into that
 * model; messages add the line number.
 */
export const spdxTagValue: Format = {
  id: 'spdx',
  kind: 'sbom',
  defaultMediaType: MEDIA_TYPE,
  detect(input: DetectInput): Detection | undefined {
    const base = parseMediaType(input.mediaType).base;
    const match = input.text !== undefined ? MARKER.exec(input.text.slice(0, 4096)) : null;
    const version = match?.[1];
    const withVersion = (d: Detection): Detection => (version ? { ...d, version } : d);
    if (base === MEDIA_TYPE && input.json === undefined) return withVersion({ by: 'media-type', reason: `media type ${base}` });
    if (match) return withVersion({ by: 'content', reason: `marker SPDXVersion: SPDX-${version} (tag-value)` });
    return undefined;
  },
  validate(input) {
    const { parsed, folded } = judged(input);
    // Lines are only wanted for problems: a second linear pass records them, on the same model.
    const placed = folded.problems.length > 0 ? parseTagValue(input.text ?? '') : parsed;
    const schema = folded.problems.map((p) => {
      const line = placed.lines.lineOf(placed.doc, p.path);
      return line === undefined ? p : { ...p, message: `${p.message} (line ${line})` };
    });
    return [...parsed.problems, ...schema];
  },
  subjects: (input) => judged(input).folded.subjects,
  summarize: (input) => ({ ...judged(input).folded.summary, serialization: 'tag-value' }),
};
