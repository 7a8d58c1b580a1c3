import type { Finding, PackageRef } from '../facts/findings.js';
import { decodeURIComponentSafe, purlBase, purlName } from '../facts/findings.js';
import type { VexProduct, VexStatement } from '../facts/openvex.js';

/** How a VEX product can name the image: by digest, or as `pkg:oci` of its repository. */
export interface ImageIdentity {
  digests: string[];
  /** `registry/repository`, e.g. `ghcr.io/acme/app`; absent for OCI layouts. */
  repository?: string;
}

export interface VexDocument {
  evidence: string;
  statements: VexStatement[];
}

export interface VexVerdict {
  statement: VexStatement;
  evidence: string;
}

/**
 * The statement that decides a finding: among statements about the same
 * vulnerability (by id or alias) whose product is this image (and whose
 * subcomponents, when listed, include the finding's package) or is the
 * finding's package itself, the latest one (OpenVEX spec: later statements
 * supersede earlier ones). undefined when no statement applies.
 */
export function decidingStatement(finding: Finding, documents: readonly VexDocument[], image: ImageIdentity): VexVerdict | undefined {
  const names = new Set([finding.id, ...finding.aliases].map((n) => n.toUpperCase()));
  let latest: VexVerdict | undefined;
  for (const doc of documents) {
    for (const statement of doc.statements) {
      if (![statement.vulnerability, ...statement.aliases].some((n) => names.has(n.toUpperCase()))) continue;
      if (!statement.products.some((p) => productApplies(p, image, finding.package))) continue;
      if (!latest || (statement.timestamp ?? '') >= (latest.statement.timestamp ?? '')) latest = { statement, evidence: doc.evidence };
    }
  }
  return latest;
}

function productApplies(product: VexProduct, image: ImageIdentity, pkg: PackageRef | undefined): boolean {
  const names = [product.id, product.purl].filter((v): v is string => v !== undefined);
  const isImage = product.digests.some((d) => image.digests.includes(d)) || names.some((n) => namesImage(n, image));
  if (isImage) return product.subcomponents.length === 0 || product.subcomponents.some((s) => packageMatches(s, pkg));
  // A product that is the vulnerable package itself (Grype and Trivy accept these).
  return names.some((n) => n.startsWith('pkg:') && !isImagePurl(n) && packageMatches(n, pkg));
}

function isImagePurl(id: string): boolean {
  return id.startsWith('pkg:oci/') || id.startsWith('pkg:docker/');
}

/** A digest of the image anywhere in the id (`…@sha256:<hex>`, `pkg:oci/app@sha256%3A<hex>`), or a version-less `pkg:oci` of its repository. */
export function namesImage(id: string, image: ImageIdentity): boolean {
  const decoded = decodeURIComponentSafe(id).toLowerCase();
  if (image.digests.some((d) => decoded.includes(d.toLowerCase()))) return true;
  if (!isImagePurl(decoded) || !image.repository) return false;
  const [pathPart, query = ''] = decoded.split('?', 2) as [string, string?];
  const at = pathPart.indexOf('@');
  if (at >= 0) return false; // a version that is not one of our digests
  const name = pathPart.replace(/^pkg:(oci|docker)\//, '');
  const repositoryUrl = new URLSearchParams(query).get('repository_url');
  const repository = normalizeRepository(image.repository);
  if (repositoryUrl) return normalizeRepository(repositoryUrl) === repository;
  return repository === name || repository.endsWith(`/${name}`);
}

function normalizeRepository(value: string): string {
  return value
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/^(index\.docker\.io|registry-1\.docker\.io)\//, 'docker.io/')
    .replace(/\/+$/, '');
}

/** A purl (or name) naming the finding's package: same package, and the same version when the purl has one. */
export function packageMatches(id: string, pkg: PackageRef | undefined): boolean {
  if (!pkg || !id.startsWith('pkg:')) return false;
  const wantedName = purlName(id).toLowerCase();
  const base = purlBase(id);
  const at = base.lastIndexOf('@');
  const wantedVersion = at > base.indexOf('/') ? base.slice(at + 1) : undefined;
  if (pkg.purl) {
    if (purlName(pkg.purl).toLowerCase() !== wantedName) return false;
    const have = purlBase(pkg.purl);
    const haveAt = have.lastIndexOf('@');
    const haveVersion = haveAt > have.indexOf('/') ? have.slice(haveAt + 1) : pkg.version;
    return wantedVersion === undefined || wantedVersion === haveVersion;
  }
  if (!pkg.name) return false;
  const shortName = wantedName.slice(wantedName.lastIndexOf('/') + 1);
  if (shortName !== pkg.name.toLowerCase()) return false;
  return wantedVersion === undefined || wantedVersion === pkg.version;
}
