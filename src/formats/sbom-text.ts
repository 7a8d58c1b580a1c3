import type { FormatProblem } from '../types.js';
import { readCyclonedxXml } from './cyclonedx-xml.js';
import { spdxTagValue } from './spdx-tag-value.js';
import { parseTagValue } from './spdx-tag-value-parse.js';
import { readSpdxYaml, spdxYaml } from './spdx-yaml.js';

/**
 * An SBOM in one of the text serialisations the normaliser recognises
 * (SPDX 2 tag-value and YAML, CycloneDX XML) read into the JSON model by
 * that format's own parser: the model its summary and subjects were taken
 * from, for readers that list what the manifest only counts. `format` is
 * the manifest's (`spdx`, `cyclonedx`); tag-value and YAML are told apart by
 * their own detectors (media type, then the marker at the start), in the
 * normaliser's order. The text is parsed once, without validation (the
 * normaliser judged it when it was archived). `reason`: why there is no
 * model, in one line.
 */
export function readTextSbom(text: string, mediaType: string, format: string): { model: unknown } | { reason: string } {
  if (format === 'cyclonedx') {
    const read = readCyclonedxXml(text);
    return 'model' in read ? read : { reason: sentence(read.problem) };
  }
  if (format !== 'spdx') return { reason: `a ${format} document is JSON; this one is not` };
  const input = { mediaType, text };
  if (spdxTagValue.detect(input)) return { model: parseTagValue(text, false).doc };
  if (spdxYaml.detect(input)) {
    const read = readSpdxYaml(text);
    return 'value' in read ? { model: read.value } : { reason: sentence(read.problems[0]!) };
  }
  return { reason: 'neither SPDX JSON, tag-value nor YAML (no spdxVersion or SPDXVersion marker at the start)' };
}

/** A problem's message without the path it starts with (the path is the document's root here). */
function sentence(problem: FormatProblem): string {
  return problem.message.startsWith(`${problem.path || '/'} `) ? problem.message.slice((problem.path || '/').length + 1) : problem.message;
}
