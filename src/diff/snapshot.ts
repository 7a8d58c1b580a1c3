/**
 * One day as diff compares it: per image reference, its digest and status,
 * its evidence by content, its signers, its findings and its SBOM
 * components, read with the gate's fact extractors from the bytes that
 * verification hashed.
 */
import { CustodyError } from '../errors.js';
import { FactsCache } from '../days/facts.js';
import { openVerified } from '../days/open.js';
import { readDay } from '../days/read-day.js';
import { referenceKey } from '../days/reference-key.js';
import type { EvidenceView } from '../days/views.js';
import { decodeURIComponentSafe, purlName } from '../gate/facts/findings.js';
import type { SbomComponent } from '../gate/facts/sbom-components.js';
import { listSbomComponents } from '../gate/facts/sbom-listing.js';
import { severityRank } from '../gate/policy/types.js';
import { signerText } from '../days/signer.js';
import type { DaySide, EvidenceRef, SignerRef, VulnRef } from './model.js';

export interface ImageSnapshot {
  ref: string;
  digest: string | null;
  status: string;
  evidence: EvidenceRef[];
  signers: SignerRef[];
  /** undefined: no scan report. Keyed by vulnerability id and package. */
  vulnerabilities?: Map<string, VulnRef>;
  /** undefined: no SBOM custody can list. Component (purl without version, or name) → versions. */
  components?: Map<string, Set<string>>;
}

export interface DaySnapshot {
  side: DaySide;
  images: Map<string, ImageSnapshot>;
}

/** Verify one day (a folder or an export) and read it; a day that does not verify is bad input. */
export async function readSnapshot(input: string, path: string, label: string): Promise<DaySnapshot> {
  const archive = await openVerified(path);
  if (archive.target === 'root')
    throw new CustodyError('NOT_A_BUNDLE', `${label}: ${path} is an archive root; name one day (a day folder, a date with --root, or an export)`);
  if (!archive.verify.ok) {
    const first = archive.verify.problems[0]!;
    throw new CustodyError(
      'INVALID_INPUT',
      `${label}: ${path} does not verify (${archive.verify.problems.length} problem(s); first: ${first.code} ${first.path}: ${first.message}); run custody verify ${path}`,
    );
  }
  const day = archive.days[0];
  if (!day || archive.days.length !== 1)
    throw new CustodyError('NOT_A_BUNDLE', `${label}: ${path} holds ${archive.days.length} days; diff compares one day with another`);
  const loaded = await readDay(archive.files, day);
  const side: DaySide = { input, path, date: day.date, manifestSha256: loaded.manifestSha256 ?? null };

  // Scans, SBOMs and attestations (cosign vuln, SBOM predicates) are read; each content once.
  const wanted = new Map<string, EvidenceView>();
  for (const image of loaded.images) {
    for (const entry of image.manifest?.evidence ?? []) {
      if (entry.kind === 'scan' || entry.kind === 'sbom' || entry.kind === 'attestation') wanted.set(`${image.folder}/${entry.path}`, entry);
    }
  }
  const bytes = await archive.files.load(wanted.keys());
  const facts = new FactsCache();
  /** By content, media type and kind (FactsCache.key): the serialisation is read from the bytes and the media type. */
  const componentsByContent = new Map<string, SbomComponent[]>();

  const images = new Map<string, ImageSnapshot>();
  for (const image of loaded.images) {
    const snapshot: ImageSnapshot = {
      ref: referenceKey(image.entry.ref),
      digest: image.manifest?.digest || image.entry.digest,
      status: image.entry.status,
      evidence: [],
      signers: [],
    };
    images.set(snapshot.ref, snapshot);
    const signers = new Map<string, SignerRef>();
    for (const entry of image.manifest?.evidence ?? []) {
      snapshot.evidence.push({ kind: entry.kind, format: entry.format, path: entry.path, sha256: entry.sha256 });
      if (entry.kind === 'signature') {
        const identity = signerText(entry.verification, entry.summary);
        const verified = entry.verification?.verified === true;
        signers.set(identity, { identity, verified: verified || signers.get(identity)?.verified === true });
      }
      const content = bytes.get(`${image.folder}/${entry.path}`);
      if (!content) continue;
      const read = entry.kind === 'scan' || entry.kind === 'attestation' ? facts.read(entry, content) : undefined;
      if (read) {
        const scan = read.scan;
        if (scan) {
          snapshot.vulnerabilities ??= new Map();
          for (const finding of scan.findings) addVuln(snapshot.vulnerabilities, finding.id, finding.package, finding.severity);
        }
      }
      if (entry.kind === 'sbom' || entry.kind === 'attestation') {
        // An attestation's predicate comes from the facts just read: no document is parsed twice.
        const key = FactsCache.key(entry);
        if (!componentsByContent.has(key)) componentsByContent.set(key, listSbomComponents(entry, content, read ? { facts: read } : {}).components);
        const components = componentsByContent.get(key) ?? [];
        if (components.length > 0) {
          snapshot.components ??= new Map();
          for (const c of components) {
            const key = c.purl ? purlName(c.purl) : c.name;
            const versions = snapshot.components.get(key) ?? new Set<string>();
            versions.add(c.version ?? versionOfPurl(c.purl) ?? '');
            snapshot.components.set(key, versions);
          }
        }
      }
    }
    snapshot.signers = [...signers.values()];
  }
  return { side, images };
}

function addVuln(
  map: Map<string, VulnRef>,
  id: string,
  pkg: { name?: string; version?: string; purl?: string } | undefined,
  severity: VulnRef['severity'],
): void {
  const name = pkg?.purl ? purlName(pkg.purl) : (pkg?.name ?? '');
  const key = `${id}\u0000${name}`;
  const known = map.get(key);
  if (known && severityRank(known.severity) >= severityRank(severity)) return;
  map.set(key, { id, package: name, version: pkg?.version ?? versionOfPurl(pkg?.purl) ?? null, severity });
}

function versionOfPurl(purl: string | undefined): string | undefined {
  if (!purl) return undefined;
  const base = purl.split(/[?#]/)[0]!;
  const at = base.lastIndexOf('@');
  return at > base.indexOf('/') ? decodeURIComponentSafe(base.slice(at + 1)) : undefined;
}
