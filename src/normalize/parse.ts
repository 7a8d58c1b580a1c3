import type { EvidenceProblem as Problem } from '../types.js';
import type { Limits } from '../lib/limits.js';
import { checkJsonShape } from '../lib/json-scan.js';

export type Parsed =
  { type: 'json'; value: unknown } | { type: 'text'; value: string } | { type: 'binary' } | { type: 'rejected'; problem: Problem; text?: string };

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Decode and, where the bytes look like JSON, parse them, refusing anything
 * beyond the limits before JSON.parse sees it. `shape` is the verdict of the
 * limit scan when it was already made over these bytes. Never throws.
 */
export function parseEvidence(bytes: Uint8Array, limits: Limits, declaredJson: boolean, shape?: { problem?: Problem }): Parsed {
  if (bytes.length > limits.maxBytes) return { type: 'rejected', problem: tooLargeProblem(bytes.length, limits) };
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    if (!declaredJson) return { type: 'binary' };
    return { type: 'rejected', problem: notUtf8Problem() };
  }
  const start = firstNonSpace(text);
  const looksJson = start === '{' || start === '[';
  if (!looksJson && !declaredJson) return { type: 'text', value: text };

  const tooBig = shape ? shape.problem : checkJsonShape(bytes, limits);
  if (tooBig) return { type: 'rejected', problem: tooBig, text };
  try {
    return { type: 'json', value: JSON.parse(text) };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return { type: 'rejected', problem: { code: 'json-invalid', path: '', message: `not valid JSON: ${reason}` }, text };
  }
}

export function tooLargeProblem(size: number, limits: Limits): Problem {
  return { code: 'too-large', path: '', message: `${size} bytes exceed the limit of ${limits.maxBytes}` };
}

export function notUtf8Problem(): Problem {
  return { code: 'json-invalid', path: '', message: 'not UTF-8 text, so not JSON' };
}

/** The first character that is not whitespace or a byte-order mark, within the first 4096. */
export function firstNonSpace(text: string): string | undefined {
  for (let i = 0; i < text.length && i < 4096; i++) {
    const c = text[i]!;
    if (c !== ' ' && c !== '\n' && c !== '\r' && c !== '\t' && c !== '\uFEFF') return c;
  }
  return undefined;
}
