import { checkJsonShape } from '../../lib/json-scan.js';
import { DEFAULT_LIMITS, type Limits } from '../../lib/limits.js';

/**
 * JSON carried inside another document (a DSSE payload, an annotation): the
 * same shape limits as top-level evidence apply before JSON.parse sees it.
 */
export type Embedded = { ok: true; value: unknown } | { ok: false; reason: string };

const UTF8 = new TextDecoder('utf-8', { fatal: true });

export function parseEmbeddedJson(bytes: Uint8Array, limits: Limits = DEFAULT_LIMITS): Embedded {
  if (bytes.length > limits.maxBytes) return { ok: false, reason: `${bytes.length} bytes exceed the limit of ${limits.maxBytes}` };
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return { ok: false, reason: 'not UTF-8 text' };
  }
  const shape = checkJsonShape(bytes, limits);
  if (shape) return { ok: false, reason: shape.message };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, reason: `not valid JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
}
