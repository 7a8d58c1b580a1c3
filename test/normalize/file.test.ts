import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { openSpooled } from '../../src/archive/spool.js';
import { normalizeFile, type DocumentFile } from '../../src/normalize/file.js';
import { DEFAULT_LIMITS, withLimits, type Limits } from '../../src/lib/limits.js';
import { normalize, type NormalizeInput } from '../../src/normalize/normalize.js';
import { scanJson } from '../../src/lib/json-scan.js';
import { JsonScanner, Offsets } from '../../src/normalize/scan-stream.js';
import { FIXTURES_DIR } from '../../scripts/make-format-fixtures.mjs';
import { corpusBytes, readManifest } from '../formats/corpus-support.js';
import { expectationFor } from '../formats/corpus-table.js';
import { SPDX_HEAD, spdxPackage as pkg } from '../helpers/spdx-document.js';
import { chunked } from '../helpers/chunks.js';

/** The chunked scanner's answer, its typed offsets as plain arrays (as scanJson gives them). */
function scanInChunks(bytes: Uint8Array, cuts: readonly number[], limits: Limits, layout = true) {
  const scanner = new JsonScanner(limits, layout);
  for (const chunk of chunked(bytes, cuts)) scanner.push(chunk);
  const result = scanner.finish();
  if (!result.layout) return result;
  return { ...result, layout: { arrays: result.layout.arrays.map((a) => ({ ...a, ends: offsetsOf(a.ends) })) } };
}

function offsetsOf(offsets: Offsets): number[] {
  return Array.from({ length: offsets.length }, (_, i) => offsets.at(i));
}

/** A document in memory behind the DocumentFile interface, counting what the normaliser reads. */
class CountingFile implements DocumentFile {
  readonly size: number;
  wholeReads = 0;
  chunkPasses = 0;
  largestRange = 0;

  constructor(
    private readonly bytes: Buffer,
    private readonly chunkSize = 4093,
  ) {
    this.size = bytes.length;
  }

  async *chunks(): AsyncIterable<Uint8Array> {
    this.chunkPasses++;
    for (let i = 0; i < this.bytes.length; i += this.chunkSize) yield this.bytes.subarray(i, i + this.chunkSize);
  }

  readRange(start: number, end: number): Buffer {
    this.largestRange = Math.max(this.largestRange, end - start);
    return Buffer.from(this.bytes.subarray(start, end));
  }

  async readAll(): Promise<Buffer> {
    this.wholeReads++;
    return Buffer.from(this.bytes);
  }
}

/** The verdict on a file (judged as large: sliceAbove 0) must be the verdict on the same bytes in memory. */
async function sameVerdict(input: NormalizeInput, options: { limits?: Partial<Limits>; imageDigests?: string[]; chunkSize?: number } = {}) {
  const context = { ...(options.limits ? { limits: options.limits } : {}), ...(options.imageDigests ? { imageDigests: options.imageDigests } : {}) };
  const file = new CountingFile(Buffer.from(input.bytes), options.chunkSize);
  const { bytes: _bytes, ...rest } = input;
  const fromFile = await normalizeFile(file, rest, { ...context, sliceAbove: 0 });
  const inMemory = normalize(input, { ...context, sliceAbove: 0 });
  expect(fromFile.normalized).toEqual(inMemory);
  return { file, fromFile: fromFile.normalized };
}

describe('JsonScanner: scanJson over bytes that arrive in chunks', () => {
  const small = withLimits({ maxDepth: 6, maxArrayLength: 12 });
  const jsonText = fc.oneof(
    fc.json({ depthSize: 'medium' }),
    fc.dictionary(fc.string(), fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 15 }), { maxKeys: 6 }).map((v) => JSON.stringify(v, null, 1)),
  );

  it('the same limits verdict and layout as scanJson, for any JSON and any chunking (property)', () => {
    fc.assert(
      fc.property(jsonText, fc.array(fc.nat(), { maxLength: 12 }), fc.constantFrom(small, DEFAULT_LIMITS), (text, cuts, limits) => {
        const bytes = Buffer.from(text);
        expect(scanInChunks(bytes, cuts, limits)).toEqual(scanJson(bytes, limits, true));
        expect(scanInChunks(bytes, cuts, limits, false)).toEqual(scanJson(bytes, limits, false));
      }),
      { numRuns: 400 },
    );
  });

  it('the same answers for broken documents and stray bytes (property)', () => {
    const alphabet = fc.constantFrom(...'{}[]",:\\ ab1\n'.split(''), '"k"', '"\\\\"', '"\\""', 'ü');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 80 }), fc.array(fc.nat(), { maxLength: 10 }), (parts, cuts) => {
        const bytes = Buffer.from(`{${parts.join('')}`);
        expect(scanInChunks(bytes, cuts, small)).toEqual(scanJson(bytes, small, true));
      }),
      { numRuns: 1000 },
    );
  });

  it('the same answers for documents broken by a few edits (property)', () => {
    const doc = fc
      .dictionary(fc.string({ maxLength: 4 }), fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 6 }), { minKeys: 1, maxKeys: 4 })
      .map((v) => JSON.stringify(v, null, 1));
    const edit = fc.record({ at: fc.nat(), drop: fc.boolean(), insert: fc.constantFrom(',', ']', '[', '}', '{', '"', '\\', ' ', ':') });
    fc.assert(
      fc.property(doc, fc.array(edit, { minLength: 1, maxLength: 3 }), fc.array(fc.nat(), { maxLength: 8 }), (text, edits, cuts) => {
        let broken = text;
        for (const e of edits) {
          const at = e.at % (broken.length + 1);
          broken = broken.slice(0, at) + e.insert + broken.slice(e.drop ? at + 1 : at);
        }
        const bytes = Buffer.from(broken);
        expect(scanInChunks(bytes, cuts, small)).toEqual(scanJson(bytes, small, true));
      }),
      { numRuns: 1500 },
    );
  });

  for (const [label, text] of [
    ['a trailing comma', '{"a":[1, 2 ,  ], "b":[ ]}'],
    ['a comma then the end', '{"a":[1,  '],
    ['an empty element', '{"a":[1,,2]}'],
  ] as const) {
    it(`${label}: element offsets as scanJson's, chunk by chunk`, () => {
      const bytes = Buffer.from(text);
      const everyByte = Array.from({ length: bytes.length }, (_, i) => i);
      expect(scanInChunks(bytes, everyByte, DEFAULT_LIMITS)).toEqual(scanJson(bytes, DEFAULT_LIMITS, true));
      expect(scanInChunks(bytes, [], DEFAULT_LIMITS)).toEqual(scanJson(bytes, DEFAULT_LIMITS, true));
    });
  }

  it('a key cut between chunks, escapes cut between chunks, one byte at a time', () => {
    const bytes = Buffer.from(JSON.stringify({ 'ke\\"y ✓': [1, { a: '\\' }, 'x"]'], b: { c: [[]] }, packages: [] }));
    const everyByte = Array.from({ length: bytes.length }, (_, i) => i);
    expect(scanInChunks(bytes, everyByte, DEFAULT_LIMITS)).toEqual(scanJson(bytes, DEFAULT_LIMITS, true));
    expect(scanInChunks(bytes, everyByte, DEFAULT_LIMITS).layout?.arrays.map((a) => a.key)).toEqual(['ke\\"y ✓', 'packages']);
  });
});

describe('normalizeFile: a document in a file is judged as the same bytes in memory', () => {
  let read = 0;
  describe('every corpus file', () => {
    afterAll(() => expect(read).toBeGreaterThan(30));
    for (const row of readManifest()) {
      const expectation = expectationFor(row.path, row.description);
      it(row.path, async () => {
        const bytes = corpusBytes(row.path);
        const input = expectation && 'mediaType' in expectation && expectation.mediaType ? { bytes, mediaType: expectation.mediaType } : { bytes };
        await sameVerdict(input, expectation && 'imageDigests' in expectation && expectation.imageDigests ? { imageDigests: expectation.imageDigests } : {});
        read++;
      });
    }
  });

  it('every format fixture, in chunks of any size', async () => {
    let count = 0;
    for (const dir of readdirSync(FIXTURES_DIR)) {
      const expected = JSON.parse(readFileSync(join(FIXTURES_DIR, dir, 'expected.json'), 'utf8')) as Record<string, { mediaType?: string }>;
      for (const [name, e] of Object.entries(expected)) {
        const bytes = readFileSync(join(FIXTURES_DIR, dir, name));
        await sameVerdict(e.mediaType ? { bytes, mediaType: e.mediaType } : { bytes }, { chunkSize: 1 + (count % 97) });
        count++;
      }
    }
    expect(count).toBeGreaterThan(150);
  });

  it('a large SBOM is judged in slices read from the file, never read whole', async () => {
    const packages: Record<string, unknown>[] = Array.from({ length: 12_000 }, (_, i) => pkg(i, { description: 'x'.repeat(200) }));
    packages[9_000] = { ...packages[9_000], name: 7 };
    const bytes = Buffer.from(JSON.stringify({ ...SPDX_HEAD, packages }, null, 1));
    const { file, fromFile } = await sameVerdict({ bytes, mediaType: 'application/spdx+json' }, { chunkSize: 65_536 });
    expect(fromFile.summary.componentCount).toBe(12_000);
    expect(fromFile.problems.map((p) => p.path)).toEqual(['/packages/9000/name']);
    expect(file.wholeReads).toBe(0);
    expect(file.chunkPasses).toBe(1);
    expect(file.largestRange).toBeLessThan(200_000);
  });

  it('duplicate SPDXIDs far apart in a large streamed document are reported, naming where each was first used', async () => {
    const packages: Record<string, unknown>[] = Array.from({ length: 12_000 }, (_, i) => pkg(i, { description: 'x'.repeat(150) }));
    const files: Record<string, unknown>[] = Array.from({ length: 6_000 }, (_, i) => ({
      SPDXID: `SPDXRef-F${i}`,
      fileName: `./f${i}`,
      checksums: [{ algorithm: 'SHA1', checksumValue: 'a'.repeat(40) }],
    }));
    packages[11_000] = { ...packages[11_000], SPDXID: 'SPDXRef-DOCUMENT' };
    files[5_999] = { ...files[5_999], SPDXID: 'SPDXRef-P5' };
    files[3] = { ...files[3], SPDXID: 'SPDXRef-P5' };
    delete files[4]!.SPDXID;
    // Files before packages: document order, not the order of the sections, says which came first.
    const bytes = Buffer.from(JSON.stringify({ ...SPDX_HEAD, files, packages }, null, 1));
    const { file, fromFile } = await sameVerdict({ bytes, mediaType: 'application/spdx+json' }, { chunkSize: 65_536 });
    expect(file.wholeReads).toBe(0);
    expect(fromFile.problems.filter((p) => p.code === 'spdx-duplicate-id').map((p) => p.message)).toEqual([
      '/files/5999/SPDXID SPDXID SPDXRef-P5 is already used at /files/3/SPDXID',
      '/packages/5/SPDXID SPDXID SPDXRef-P5 is already used at /files/3/SPDXID',
      '/packages/11000/SPDXID SPDXID SPDXRef-DOCUMENT is already used at /SPDXID',
    ]);
    expect(fromFile.summary).toMatchObject({ componentCount: 12_000, fileCount: 6_000 });
  });

  it('an opaque binary blob is never read past its first 64 KiB; declared JSON that is not UTF-8 is refused the same way', async () => {
    const bytes = Buffer.alloc(1 << 20);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) & 0xff;
    const opaque = await sameVerdict({ bytes, mediaType: 'application/octet-stream' });
    expect(opaque.fromFile).toMatchObject({ kind: 'other', format: 'unknown', valid: true });
    expect(opaque.file.wholeReads + opaque.file.chunkPasses).toBe(0);
    expect(opaque.file.largestRange).toBe(1 << 16);
    const declared = await sameVerdict({ bytes, mediaType: 'application/spdx+json' });
    expect(declared.fromFile.problems.map((p) => p.code)).toEqual(['json-invalid']);
    expect(declared.file.wholeReads).toBe(0);
  });

  it('text no format claims is judged from its start; text a format claims (SPDX tag-value) is read whole', async () => {
    const log = Buffer.from('build log line\n'.repeat(100_000));
    const plain = await sameVerdict({ bytes: log, mediaType: '' });
    expect(plain.fromFile).toMatchObject({ format: 'unknown' });
    expect(plain.file.wholeReads + plain.file.chunkPasses).toBe(0);
    const tagValue = Buffer.from(`SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: app\n${'Comment: x\n'.repeat(10_000)}`);
    const spdx = await sameVerdict({ bytes: tagValue, mediaType: '' });
    expect(spdx.fromFile.format).toBe('spdx');
    expect(spdx.file.wholeReads).toBe(1);
  });

  for (const [label, bytes, mediaType] of [
    ['a UTF-8 text whose invalid byte comes after the first 64 KiB', Buffer.concat([Buffer.from('a'.repeat(70_000)), Buffer.from([0xff])]), ''],
    ['JSON with a byte-order mark', Buffer.from(`\uFEFF${JSON.stringify({ ...SPDX_HEAD, packages: [pkg(1)] })}`), ''],
    ['a top-level array', Buffer.from(JSON.stringify([SPDX_HEAD, SPDX_HEAD])), 'application/json'],
    [
      'an object with an invalid byte late in it',
      Buffer.concat([
        Buffer.from(JSON.stringify({ ...SPDX_HEAD, packages: [pkg(1)] }).slice(0, -1)),
        Buffer.from(',"x":"'),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('"}'),
      ]),
      '',
    ],
    ['an object too deep for the limits', Buffer.from(`{"a":${'['.repeat(300)}${']'.repeat(300)}}`), ''],
    ['broken JSON of a streaming format', Buffer.from(`{"spdxVersion":"SPDX-2.3","packages":[{"SPDXID":"SPDXRef-A"},,{"SPDXID":"SPDXRef-B"}]}`), ''],
    ['an unterminated string', Buffer.from(`{"spdxVersion":"SPDX-2.3","packages":["abc`), ''],
    ['a JSON object of a format that does not stream (parsed whole)', Buffer.from(JSON.stringify({ SchemaVersion: 2, ArtifactName: 'x', Results: [] })), ''],
    ['whitespace only', Buffer.from(' \n'.repeat(40_000)), 'application/json'],
    ['the containers signature prefix', Buffer.from(`-----BEGIN CONTAINERS SIGNATURE-----\n${'a'.repeat(1000)}`), ''],
  ] as const) {
    it(`${label}: the same verdict`, async () => {
      await sameVerdict({ bytes, mediaType });
    });
  }

  it('over the size limit: too-large without reading a byte', async () => {
    const bytes = Buffer.from(JSON.stringify({ ...SPDX_HEAD, packages: [pkg(1)] }));
    const { file, fromFile } = await sameVerdict({ bytes, mediaType: 'application/spdx+json' }, { limits: { maxBytes: 100 } });
    expect(fromFile.problems.map((p) => p.code)).toEqual(['too-large']);
    expect(file.wholeReads + file.chunkPasses + file.largestRange).toBe(0);
  });

  it('subjects are checked against the image digests as in memory', async () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const bytes = Buffer.from(
      JSON.stringify({
        ...SPDX_HEAD,
        packages: [
          pkg(1, {
            externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: `pkg:oci/app@${encodeURIComponent(digest)}` }],
          }),
        ],
      }),
    );
    await sameVerdict({ bytes }, { imageDigests: [digest] });
    await sameVerdict({ bytes }, { imageDigests: [`sha256:${'b'.repeat(64)}`] });
  });

  it('from a real file (the archive spool reader): slices, chunks and whole reads agree with memory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custody-normalize-file-'));
    try {
      const bytes = Buffer.from(
        JSON.stringify({
          bomFormat: 'CycloneDX',
          specVersion: '1.6',
          version: 1,
          components: Array.from({ length: 3_000 }, (_, i) => ({ type: 'library', name: `c${i}`, version: '1.0.0' })),
        }),
      );
      const path = join(dir, 'bom.json');
      writeFileSync(path, bytes);
      const document = await openSpooled({ path, size: bytes.length, sha256: '', head: bytes.subarray(0, 65_536) });
      try {
        const judged = await normalizeFile(document, { mediaType: 'application/vnd.cyclonedx+json' }, { sliceAbove: 0 });
        expect(judged.normalized).toEqual(normalize({ bytes, mediaType: 'application/vnd.cyclonedx+json' }));
        expect(judged.bytes).toBeUndefined();
        expect((await document.readAll()).equals(bytes)).toBe(true);
      } finally {
        await document.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Offsets: where the scanner keeps element offsets', () => {
  it('are kept exactly past 4 GiB (32-bit offsets widen to 64 bits when one needs it), in order, through growth', () => {
    const offsets = new Offsets();
    const values = [
      ...Array.from({ length: 3000 }, (_, i) => i * 1_000_003),
      2 ** 32 - 1,
      2 ** 32,
      2 ** 40 + 7,
      ...Array.from({ length: 3000 }, (_, i) => 2 ** 41 + i),
    ];
    for (const value of values) offsets.push(value);
    expect(offsets.length).toBe(values.length);
    expect(offsetsOf(offsets)).toEqual(values);
  });

  it('across many blocks, widening in a later block, and from a wide block on', () => {
    const blocks = 65_536;
    const cases = [
      // 32-bit all through: the first block grows, then whole blocks follow.
      Array.from({ length: 3 * blocks + 5 }, (_, i) => i * 7),
      // The third block widens partway; the blocks after it are wide from their start.
      Array.from({ length: 4 * blocks + 1 }, (_, i) => (i < 2 * blocks + 100 ? i : 2 ** 32 + i)),
      // Wide from the very first offset.
      Array.from({ length: blocks + 3 }, (_, i) => 2 ** 33 + i),
    ];
    for (const values of cases) {
      const offsets = new Offsets();
      for (const value of values) offsets.push(value);
      expect(offsets.length).toBe(values.length);
      expect(offsetsOf(offsets)).toEqual(values);
    }
  });
});
