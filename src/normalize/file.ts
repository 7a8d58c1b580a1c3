import { isUtf8 } from 'node:buffer';
import { FORMATS } from '../formats/index.js';
import type { EvidenceProblem as Problem, Normalized } from '../types.js';
import { SLICE_ABOVE, declaresJson, detectFormat, normalize, rejected, splitFacts, unknown, type NormalizeContext, type NormalizeInput } from './normalize.js';
import { firstNonSpace, notUtf8Problem, tooLargeProblem } from './parse.js';
import { JsonScanner } from './scan-stream.js';
import { splitByLayout, type ArraySpans, type SplitOutcome } from './split.js';
import { type Limits, withLimits } from '../lib/limits.js';

/**
 * A document in a file, read by the normaliser without being held whole
 * (the archive's spooled blobs). The caller opens it: reading files stays
 * at the edge, and the same document in memory or in a file is judged alike.
 */
export interface DocumentFile {
  readonly size: number;
  /** The bytes in order, a chunk at a time (a fresh read on each call); a chunk may be reused once the next is asked for. */
  chunks(): AsyncIterable<Uint8Array>;
  /** Bytes `start` up to `end`, read now: the slices a fold asks for, synchronously. */
  readRange(start: number, end: number): Buffer;
  /** Every byte: for a document that must be parsed whole. */
  readAll(): Promise<Buffer>;
}

export interface FileJudgement {
  normalized: Normalized;
  /** The bytes, when the document had to be read whole (a format parses it): the signature check may reuse them. */
  bytes?: Buffer;
}

/** What is read of a document that is judged from its start: as much as the formats' content markers look at, and more. */
const PREFIX_BYTES = 1 << 16;

const OPEN_BRACE = 0x7b;

/**
 * normalize() for a document in a file, with the same verdict as for the
 * same bytes in memory, holding in memory only what must be parsed:
 * - below the slice size (16 MiB): read whole and normalised as ever;
 * - over the size limit: too-large, never read;
 * - a JSON object: scanned as it is read, then judged in slices read from
 *   the file (a streaming format: SBOMs); any other JSON is parsed whole;
 * - text or binary that no format recognises from its media type and its
 *   first 64 KiB (content markers are at the start: an SPDX tag-value
 *   header, the containers signature prefix): `other`, never read further.
 *   A format that does recognise it reads it whole.
 */
export async function normalizeFile(file: DocumentFile, input: Omit<NormalizeInput, 'bytes'>, context: NormalizeContext = {}): Promise<FileJudgement> {
  const limits = withLimits(context.limits);
  const mediaType = input.mediaType ?? '';
  const formats = context.formats ?? FORMATS;
  const whole = async (): Promise<FileJudgement> => {
    const bytes = await file.readAll();
    return { normalized: normalize({ ...input, bytes }, context), bytes };
  };
  if (file.size < (context.sliceAbove ?? SLICE_ABOVE)) return whole();
  if (file.size > limits.maxBytes) return { normalized: rejected(tooLargeProblem(file.size, limits), mediaType, input.annotations, formats) };

  const prefix = file.readRange(0, Math.min(file.size, PREFIX_BYTES));
  const base = { mediaType, bytes: prefix, ...(input.annotations ? { annotations: input.annotations } : {}) };
  const declaredJson = declaresJson(mediaType);
  const binary = (): Promise<FileJudgement> | FileJudgement => {
    if (declaredJson) return { normalized: rejected(notUtf8Problem(), mediaType, input.annotations, formats) };
    return detectFormat({ ...base, limits }, formats) ? whole() : { normalized: unknown([]) };
  };
  const text = decodePrefix(prefix, prefix.length === file.size);
  if (text === undefined) return binary();

  const first = firstNonSpaceByte(prefix);
  // Whitespace all through the prefix: nothing to tell the document by; read whole.
  if (first === prefix.length) return whole();
  if (prefix[first] === OPEN_BRACE) {
    const scanned = await scanFile(file, limits);
    if (!scanned.utf8) return binary();
    if (scanned.problem) return { normalized: rejected(scanned.problem, mediaType, input.annotations, formats) };
    if (!scanned.layout) return whole();
    let outcome: SplitOutcome | undefined;
    try {
      outcome = splitByLayout(
        (start, end) => file.readRange(start, end),
        file.size,
        scanned.layout,
        limits,
        (detectInput) => detectFormat(detectInput, formats),
        base,
      );
    } catch {
      outcome = undefined; // A format that throws: parsed whole, where normalize() reports it.
    }
    return outcome ? { normalized: splitFacts(outcome, context) } : whole();
  }

  const start = firstNonSpace(text);
  if (start === '{' || start === '[' || declaredJson) return whole();
  // Not JSON: text if the whole file is UTF-8, else binary. Either way, whatever no format recognises from its start is `other`.
  if (detectFormat({ ...base, limits, text }, formats) || detectFormat({ ...base, limits }, formats)) return whole();
  return { normalized: unknown([]) };
}

/** Index of the first byte that is not JSON whitespace (the length when there is none). */
function firstNonSpaceByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  return i;
}

/** The prefix as text, without a character cut at its end (unless it is the whole file); undefined when it is not UTF-8. */
function decodePrefix(prefix: Buffer, whole: boolean): string | undefined {
  const end = whole ? prefix.length : completeLength(prefix);
  const part = prefix.subarray(0, end);
  return isUtf8(part) ? part.toString('utf8') : undefined;
}

/** Length of `bytes` without a UTF-8 sequence that its last bytes start but do not finish. */
function completeLength(bytes: Uint8Array): number {
  let i = bytes.length - 1;
  let continuation = 0;
  while (i >= 0 && continuation < 3 && (bytes[i]! & 0xc0) === 0x80) {
    i--;
    continuation++;
  }
  if (i < 0) return bytes.length;
  const lead = bytes[i]!;
  const needed = lead >= 0xf0 && lead <= 0xf7 ? 4 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xc0 && lead <= 0xdf ? 2 : 1;
  return continuation + 1 < needed ? i : bytes.length;
}

/** UTF-8 validity of bytes that arrive in chunks (a character may be cut between two). */
class Utf8Check {
  private carry: Buffer | undefined;

  push(chunk: Uint8Array): boolean {
    const data = this.carry ? Buffer.concat([this.carry, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const end = completeLength(data);
    if (!isUtf8(data.subarray(0, end))) return false;
    this.carry = end < data.length ? Buffer.from(data.subarray(end)) : undefined;
    return true;
  }

  /** A character left unfinished at the end is not UTF-8. */
  finish(): boolean {
    return this.carry === undefined;
  }
}

/** One pass over the file: is it UTF-8, and scanJson's verdict and layout, as the bytes come. */
async function scanFile(file: DocumentFile, limits: Limits): Promise<{ utf8: boolean; problem?: Problem; layout?: { arrays: ArraySpans[] } }> {
  const scanner = new JsonScanner(limits, true);
  const utf8 = new Utf8Check();
  for await (const chunk of file.chunks()) {
    if (!utf8.push(chunk)) return { utf8: false };
    scanner.push(chunk);
  }
  if (!utf8.finish()) return { utf8: false };
  return { utf8: true, ...scanner.finish() };
}
