import type { Detection, DetectInput, Format } from './format.js';
import { parseMediaType } from './lib/media-type.js';
import { spdx2Subjects, summarizeSpdx2, validateSpdx2 } from './spdx-model.js';
import { lineOf, parseTagValue, type TagValueDocument } from './spdx-tag-value-parse.js';

const MEDIA_TYPE = 'text/spdx';
const MARKER = /^(?:\uFEFF)?(?:\s*#[^\n]*\n|\s*\n)*\s*SPDXVersion:\s*SPDX-(\d+\.\d+)/;

let memo: { text: string; parsed: TagValueDocument } | undefined;

function parsed(input: DetectInput): TagValueDocument {
  const text = input.text ?? '';
  if (memo?.text !== text) memo = { text, parsed: parseTagValue(text) };
  return memo.parsed;
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
    const { doc, lines, problems } = parsed(input);
    const schema = validateSpdx2(doc).map((p) => {
      const line = lineOf(lines, p.path);
      return line === undefined ? p : { ...p, message: `${p.message} (line ${line})` };
    });
    return [...problems, ...schema];
  },
  subjects: (input) => spdx2Subjects(parsed(input).doc),
  summarize: (input) => ({ ...summarizeSpdx2(parsed(input).doc), serialization: 'tag-value' }),
};
