// SPDX tag-value benchmark (issue 12): one generated SPDX 2.3 document, written
// both as tag-value (~10 MB) and as JSON; normalising the tag-value form must
// take at most 2× the time of normalising the JSON form of the same document.
// Each form is measured in this process after three warm-up rounds on a
// document a tenth the size, alternating, five times each; medians of wall
// and CPU time.
import { normalize } from '../../dist/src/normalize/normalize.js';
import { fmt } from './common.mjs';

const TARGET_MB = Number(process.env.BENCH_TV_MB ?? 10);

/** The document model: packages (with a multi-line copyright text), files, relationships. */
function model(packages) {
  const doc = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: 'bench-image',
    documentNamespace: 'https://example.com/spdx/bench-image',
    creationInfo: { created: '2026-01-01T00:00:00Z', creators: ['Tool: syft-1.18.0', 'Organization: Example'] },
    packages: [],
    files: [],
    relationships: [],
  };
  for (let i = 0; i < packages; i++) {
    const id = `SPDXRef-Package-${i}`;
    doc.packages.push({
      name: `package-${i}`,
      SPDXID: id,
      versionInfo: `1.${i % 100}.${i % 7}`,
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      checksums: [{ algorithm: 'SHA256', checksumValue: i.toString(16).padStart(8, '0').repeat(8) }],
      licenseConcluded: i % 3 === 0 ? 'MIT' : 'Apache-2.0 OR MIT',
      licenseDeclared: 'NOASSERTION',
      copyrightText: `Copyright ${2000 + (i % 26)} Example Authors\nAll rights reserved.`,
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: `pkg:npm/package-${i}@1.${i % 100}.${i % 7}` }],
    });
    const fileId = `SPDXRef-File-${i}`;
    doc.files.push({
      fileName: `./lib/package-${i}/index.js`,
      SPDXID: fileId,
      checksums: [{ algorithm: 'SHA1', checksumValue: i.toString(16).padStart(8, '0').repeat(5) }],
      licenseConcluded: 'NOASSERTION',
      copyrightText: 'NOASSERTION',
    });
    doc.relationships.push({ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: id });
    doc.relationships.push({ spdxElementId: id, relationshipType: 'CONTAINS', relatedSpdxElement: fileId });
  }
  return doc;
}

/** The same document in tag-value (SPDX 2.3 annex: one tag a line, <text> for multi-line values). */
function toTagValue(doc) {
  const out = [
    `SPDXVersion: ${doc.spdxVersion}`,
    `DataLicense: ${doc.dataLicense}`,
    `SPDXID: ${doc.SPDXID}`,
    `DocumentName: ${doc.name}`,
    `DocumentNamespace: ${doc.documentNamespace}`,
    ...doc.creationInfo.creators.map((c) => `Creator: ${c}`),
    `Created: ${doc.creationInfo.created}`,
    '',
  ];
  for (const p of doc.packages) {
    out.push(
      `PackageName: ${p.name}`,
      `SPDXID: ${p.SPDXID}`,
      `PackageVersion: ${p.versionInfo}`,
      `PackageDownloadLocation: ${p.downloadLocation}`,
      `FilesAnalyzed: ${p.filesAnalyzed}`,
      ...p.checksums.map((c) => `PackageChecksum: ${c.algorithm}: ${c.checksumValue}`),
      `PackageLicenseConcluded: ${p.licenseConcluded}`,
      `PackageLicenseDeclared: ${p.licenseDeclared}`,
      `PackageCopyrightText: <text>${p.copyrightText}</text>`,
      ...p.externalRefs.map((r) => `ExternalRef: ${r.referenceCategory} ${r.referenceType} ${r.referenceLocator}`),
      '',
    );
  }
  for (const f of doc.files) {
    out.push(
      `FileName: ${f.fileName}`,
      `SPDXID: ${f.SPDXID}`,
      ...f.checksums.map((c) => `FileChecksum: ${c.algorithm}: ${c.checksumValue}`),
      `LicenseConcluded: ${f.licenseConcluded}`,
      `FileCopyrightText: ${f.copyrightText}`,
      '',
    );
  }
  for (const r of doc.relationships) out.push(`Relationship: ${r.spdxElementId} ${r.relationshipType} ${r.relatedSpdxElement}`);
  return `${out.join('\n')}\n`;
}

export function forms(packages) {
  const doc = model(packages);
  return { tagValue: Buffer.from(toTagValue(doc)), json: Buffer.from(JSON.stringify(doc)) };
}

/** Wall and CPU milliseconds (CPU: this process, all threads, so a busy shared machine skews it less). */
function time(bytes, mediaType) {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const result = normalize({ bytes, mediaType });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const used = process.cpuUsage(cpu);
  if (!result.valid || result.format !== 'spdx')
    throw new Error(`the benchmark document is not valid SPDX (${mediaType}): ${JSON.stringify(result.problems.slice(0, 3))}`);
  return { ms, cpuMs: (used.user + used.system) / 1000 };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export function benchTagValue() {
  // Packages per MB of tag-value, measured on a small document.
  const probe = forms(200);
  const packages = Math.round((200 * TARGET_MB * 1024 * 1024) / probe.tagValue.length);
  // Code warm for both forms (schemas compiled, parsers optimised): three rounds on a ~1 MB document.
  const warm = forms(Math.max(100, Math.round(packages / 10)));
  for (let i = 0; i < 3; i++) {
    time(warm.tagValue, 'text/spdx');
    time(warm.json, 'application/spdx+json');
  }
  const { tagValue, json } = forms(packages);
  const tv = [];
  const js = [];
  for (let i = 0; i < 5; i++) {
    tv.push(time(tagValue, 'text/spdx'));
    js.push(time(json, 'application/spdx+json'));
  }
  const tagValueMs = median(tv.map((t) => t.ms));
  const jsonMs = median(js.map((t) => t.ms));
  const tagValueCpuMs = median(tv.map((t) => t.cpuMs));
  const jsonCpuMs = median(js.map((t) => t.cpuMs));
  const ratio = tagValueMs / jsonMs;
  const cpuRatio = tagValueCpuMs / jsonCpuMs;
  return {
    name: 'tag-value',
    packages,
    tagValueMB: tagValue.length / 1024 / 1024,
    jsonMB: json.length / 1024 / 1024,
    tagValueMs,
    jsonMs,
    ratio,
    tagValueCpuMs,
    jsonCpuMs,
    cpuRatio,
    summary: `normalize SPDX tag-value ${fmt(tagValue.length / 1024 / 1024, 1)} MB (${packages} packages, ${packages} files, ${2 * packages} relationships): ${fmt(tagValueMs, 0)} ms (CPU ${fmt(tagValueCpuMs, 0)} ms); same document as SPDX JSON (${fmt(json.length / 1024 / 1024, 1)} MB): ${fmt(jsonMs, 0)} ms (CPU ${fmt(jsonCpuMs, 0)} ms) → ${fmt(ratio)}× wall, ${fmt(cpuRatio)}× CPU (target ≤ 2)`,
  };
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const result = benchTagValue();
  console.log(result.summary);
  if (result.ratio > 2 && result.cpuRatio > 2) process.exitCode = 1;
}
