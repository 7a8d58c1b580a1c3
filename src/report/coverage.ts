/**
 * What one archived image has, on one day: signatures and their signers,
 * SBOMs per platform, provenance, scans. Pure: the manifest's entries and
 * summaries, plus the gate's facts of the documents whose summary does not
 * say enough (attestations, VEX, and scans when VEX could suppress findings).
 */
import type { EvidenceFacts } from '../gate/facts/extract.js';
import { SEVERITIES } from '../formats/lib/severity.js';
import { decidingStatement, type ImageIdentity, type VexDocument } from '../gate/rules/vex-match.js';
import { parseReference } from '../oci/reference.js';
import { aboutDigests, digestLabel } from '../days/facts.js';
import type { LoadedImage } from '../days/read-day.js';
import { signerText } from '../days/signer.js';
import type { EvidenceView, ImageManifestView } from '../days/views.js';
import type { ImageCoverage, SbomPlatform, SeverityCounts, SignerInfo } from './model.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export type FactsOf = (entry: EvidenceView) => EvidenceFacts | undefined;

/** The code of the first problem verification found with a file of the archive (its path from the archive's top), if any. */
export type ProblemAt = (path: string) => string | undefined;

/** Does this image need the facts of `entry` (its bytes read) for its coverage? */
export function needsFacts(image: ImageManifestView, entry: EvidenceView): boolean {
  if (entry.kind === 'attestation' || entry.kind === 'vex') return true;
  return entry.kind === 'scan' && hasVex(image);
}

function hasVex(image: ImageManifestView): boolean {
  return image.evidence.some((e) => e.kind === 'vex' || (e.kind === 'attestation' && e.summary.predicateKind === 'openvex'));
}

export function emptyCoverage(date: string, image: LoadedImage): ImageCoverage {
  return {
    date,
    digest: image.entry.digest,
    status: image.entry.status,
    error: image.entry.error ?? image.error ?? null,
    signed: { signatures: 0, verified: 0, signers: [] },
    sbom: { documents: 0, formats: [], components: null, platforms: [], missing: [] },
    provenance: { attestations: 0, builders: [], sources: [] },
    scan: { reports: 0, scanners: [], scannedAt: null, ageDays: null, counts: null, vexSuppressed: 0 },
    evidence: 0,
    invalid: 0,
  };
}

export function coverageOf(date: string, loaded: LoadedImage, factsOf: FactsOf, problemAt: ProblemAt = () => undefined): ImageCoverage {
  const coverage = emptyCoverage(date, loaded);
  const image = loaded.manifest;
  if (!image) return coverage;
  coverage.evidence = image.evidence.length;
  coverage.invalid = image.evidence.filter((e) => !e.valid).length;
  const folder = loaded.folder;
  coverage.signed = signaturesOf(image, (entry) => (folder === undefined ? undefined : problemAt(`${folder}/${entry.path}`)));
  coverage.sbom = sbomsOf(image, factsOf);
  coverage.provenance = provenanceOf(image, factsOf);
  coverage.scan = scansOf(image, factsOf, Date.parse(image.updatedAt || image.createdAt || `${date}T00:00:00Z`));
  return coverage;
}

/**
 * Signatures and their signers. A signature counts as verified when it was
 * verified at archive time and verification (with the auditor's trust
 * material, when given) finds nothing wrong with its file now: otherwise the
 * code shown is the problem found now, else the archived verdict's.
 */
function signaturesOf(image: ImageManifestView, problemNow: (entry: EvidenceView) => string | undefined): ImageCoverage['signed'] {
  const signatures = image.evidence.filter((e) => e.kind === 'signature');
  const signers = new Map<string, SignerInfo>();
  let verifiedCount = 0;
  for (const entry of signatures) {
    const identity = signerText(entry.verification, entry.summary);
    const now = problemNow(entry);
    const verified = entry.verification?.verified === true && now === undefined;
    if (verified) verifiedCount++;
    const known = signers.get(identity);
    if (known?.verified) continue;
    const code = now ?? (entry.verification ? entry.verification.code : 'no-verdict');
    signers.set(identity, { identity, verified, ...(!verified && code ? { code } : {}) });
  }
  return { signatures: signatures.length, verified: verifiedCount, signers: [...signers.values()] };
}

function formatText(entry: EvidenceView): string {
  return entry.formatVersion ? `${entry.format} ${entry.formatVersion}` : entry.format;
}

function sbomsOf(image: ImageManifestView, factsOf: FactsOf): ImageCoverage['sbom'] {
  const perPlatform = new Map<string, { formats: Set<string>; components: number | null }>();
  const formats = new Set<string>();
  let documents = 0;
  let components: number | null = null;
  for (const entry of image.evidence) {
    let format: string | undefined;
    let count: number | null = null;
    const facts = entry.kind === 'attestation' ? factsOf(entry) : undefined;
    if (entry.kind === 'sbom') {
      format = formatText(entry);
      count = typeof entry.summary.componentCount === 'number' ? entry.summary.componentCount : null;
    } else if (facts?.sbom) {
      format = `${facts.sbom.format} (attestation)`;
      count = facts.sbom.componentCount;
    }
    if (format === undefined) continue;
    documents++;
    formats.add(format);
    if (count !== null) components = Math.max(components ?? 0, count);
    for (const digest of aboutDigests(image, entry, facts)) {
      const label = digestLabel(image, digest);
      const slot = perPlatform.get(label) ?? { formats: new Set<string>(), components: null };
      slot.formats.add(format);
      if (count !== null) slot.components = Math.max(slot.components ?? 0, count);
      perPlatform.set(label, slot);
    }
  }
  const platforms: SbomPlatform[] = [...perPlatform.entries()].map(([platform, slot]) => ({
    platform,
    formats: [...slot.formats],
    components: slot.components,
  }));
  const missing = image.platforms.map((p) => digestLabel(image, p.digest)).filter((label) => !perPlatform.has(label));
  return { documents, formats: [...formats], components, platforms, missing: documents > 0 ? missing : [] };
}

function provenanceOf(image: ImageManifestView, factsOf: FactsOf): ImageCoverage['provenance'] {
  const builders = new Set<string>();
  const sources = new Set<string>();
  let attestations = 0;
  for (const entry of image.evidence) {
    if (entry.kind !== 'attestation') continue;
    const provenance = factsOf(entry)?.provenance;
    if (!provenance) continue;
    attestations++;
    if (provenance.builderId) builders.add(provenance.builderId);
    if (provenance.sourceRepository) sources.add(provenance.sourceRepository);
  }
  return { attestations, builders: [...builders], sources: [...sources] };
}

interface ScanReport {
  entry: EvidenceView;
  scanner: string;
  scannedAt: number | null;
  counts: SeverityCounts | null;
}

function toCounts(value: unknown): SeverityCounts | null {
  if (typeof value !== 'object' || value === null) return null;
  const source = value as Record<string, unknown>;
  const counts = {} as SeverityCounts;
  for (const severity of SEVERITIES)
    counts[severity] = typeof source[severity] === 'number' && Number.isFinite(source[severity]) ? (source[severity] as number) : 0;
  return counts;
}

function scanReports(image: ImageManifestView, factsOf: FactsOf): ScanReport[] {
  const reports: ScanReport[] = [];
  for (const entry of image.evidence) {
    if (entry.kind === 'scan') {
      const time = typeof entry.summary.scanTime === 'string' ? Date.parse(entry.summary.scanTime) : NaN;
      const version = typeof entry.summary.scannerVersion === 'string' ? ` ${entry.summary.scannerVersion}` : '';
      const scanner = `${typeof entry.summary.scanner === 'string' ? entry.summary.scanner : entry.format}${version}`;
      reports.push({ entry, scanner, scannedAt: Number.isFinite(time) ? time : null, counts: toCounts(entry.summary.severityCounts) });
    } else if (entry.kind === 'attestation') {
      const scan = factsOf(entry)?.scan;
      if (!scan) continue;
      const counts = toCounts({});
      for (const finding of scan.findings) counts![finding.severity]++;
      const time = scan.scannedAt ? Date.parse(scan.scannedAt) : NaN;
      reports.push({ entry, scanner: scan.scanner, scannedAt: Number.isFinite(time) ? time : null, counts });
    }
  }
  return reports;
}

function scansOf(image: ImageManifestView, factsOf: FactsOf, archivedAt: number): ImageCoverage['scan'] {
  const reports = scanReports(image, factsOf);
  const scan: ImageCoverage['scan'] = {
    reports: reports.length,
    scanners: [...new Set(reports.map((r) => r.scanner))],
    scannedAt: null,
    ageDays: null,
    counts: null,
    vexSuppressed: 0,
  };
  if (reports.length === 0) return scan;
  // The newest report by its own clock; a report that states no time comes last.
  const newest = reports.reduce((a, b) => ((b.scannedAt ?? -Infinity) > (a.scannedAt ?? -Infinity) ? b : a));
  scan.counts = newest.counts;
  if (newest.scannedAt !== null) {
    scan.scannedAt = new Date(newest.scannedAt).toISOString();
    if (Number.isFinite(archivedAt)) scan.ageDays = Math.round(((archivedAt - newest.scannedAt) / DAY_MS) * 10) / 10;
  }
  scan.vexSuppressed = vexSuppressed(image, newest.entry, factsOf);
  return scan;
}

function vexSuppressed(image: ImageManifestView, report: EvidenceView, factsOf: FactsOf): number {
  const documents: VexDocument[] = [];
  for (const entry of image.evidence) {
    const vex = entry.kind === 'vex' || entry.kind === 'attestation' ? factsOf(entry)?.vex : undefined;
    if (vex) documents.push({ evidence: entry.path, statements: vex.statements });
  }
  const findings = documents.length > 0 ? factsOf(report)?.scan?.findings : undefined;
  if (!findings) return 0;
  const identity: ImageIdentity = { digests: [image.digest, ...image.platforms.map((p) => p.digest)] };
  try {
    const ref = parseReference(image.ref);
    if (ref.type === 'registry') identity.repository = `${ref.registry}/${ref.repository}`;
  } catch {
    // only digests can name the image
  }
  return findings.filter((finding) => {
    const status = decidingStatement(finding, documents, identity)?.statement.status;
    return status === 'not_affected' || status === 'fixed';
  }).length;
}
