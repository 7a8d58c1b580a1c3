import { parseDocument } from 'yaml';
import type { FormatProblem } from '../types.js';
import { foldWhole, type FoldResult } from './fold.js';
import type { Detection, DetectInput, Format } from './format.js';
import { parseMediaType } from './lib/media-type.js';
import { problem } from './lib/problems.js';
import { spdx2Streaming } from './spdx-model.js';

/**
 * SPDX 2.x in YAML (SPDX 2.3 annex: YAML is one of the serialisations, the
 * JSON model's fields as YAML keys): parsed with the `yaml` library as
 * plain data (JSON-compatible core schema, no custom tags, aliases bounded)
 * and judged exactly as the JSON form, in one fold.
 */
const MEDIA_TYPES = ['application/spdx+yaml', 'text/spdx+yaml'];
/** A top-level `spdxVersion: SPDX-x.y` key near the start (tag-value spells it `SPDXVersion`). */
const MARKER = /^["']?spdxVersion["']?[ \t]*:[ \t]*["']?SPDX-(\d+\.\d+)["']?[ \t]*(?:#.*)?$/m;

interface Judged {
  problems: FormatProblem[];
  folded?: FoldResult;
}

const memo = new WeakMap<DetectInput, Judged>();

/**
 * The document as plain data (the JSON model), or why it is not YAML.
 * Bounded: aliases cannot multiply the document (the library's
 * maxAliasCount); the input is within the run's limits.
 */
export function readSpdxYaml(text: string): { value: unknown } | { problems: FormatProblem[] } {
  const doc = parseDocument(text, { schema: 'core', customTags: [], uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0)
    return { problems: doc.errors.slice(0, 20).map((e) => problem('yaml-invalid', '', `not valid YAML: ${e.message.split('\n')[0]}`)) };
  return { value: doc.toJS({ maxAliasCount: 100 }) as unknown };
}

function judge(input: DetectInput): Judged {
  const hit = memo.get(input);
  if (hit) return hit;
  let judged: Judged;
  const read = readSpdxYaml(input.text ?? '');
  if ('problems' in read) {
    judged = { problems: read.problems };
  } else {
    const folded = foldWhole(spdx2Streaming, read.value);
    judged = { problems: folded.problems, folded };
  }
  memo.set(input, judged);
  return judged;
}

export const spdxYaml: Format = {
  id: 'spdx',
  kind: 'sbom',
  defaultMediaType: 'application/spdx+yaml',
  detect(input: DetectInput): Detection | undefined {
    if (input.json !== undefined || input.text === undefined) return undefined;
    const base = parseMediaType(input.mediaType).base;
    const version = MARKER.exec(input.text.slice(0, 8192))?.[1];
    const withVersion = (d: Detection): Detection => (version ? { ...d, version } : d);
    if (MEDIA_TYPES.includes(base)) return withVersion({ by: 'media-type', reason: `media type ${base}` });
    if (version) return withVersion({ by: 'content', reason: `marker spdxVersion: SPDX-${version} (YAML)` });
    return undefined;
  },
  validate: (input) => judge(input).problems,
  subjects: (input) => judge(input).folded?.subjects ?? [],
  summarize: (input) => {
    const folded = judge(input).folded;
    return folded ? { ...folded.summary, serialization: 'yaml' } : { serialization: 'yaml' };
  },
};
