/**
 * What `custody report` says, one structure for every output: the HTML page
 * renders it, `--json` prints it. Every string in it that comes from the
 * archive is data to escape, never markup.
 */
import type { Severity } from '../formats/lib/severity.js';
import type { Deviation } from '../days/views.js';
import type { Problem, ToolInfo } from '../types.js';

export const REPORT_FORMAT = 'custody-report/v1';

export interface SealInfo {
  /** sha256 of `manifest.json.sigstore.json`. */
  sha256: string;
  /** sha256 of the public key kept beside it (key seals). */
  keySha256?: string;
  /** Who signed: `key <hint>` or the certificate identity and issuer; undefined when the seal cannot be read. */
  signer?: string;
  /** pass: verify checked it; fail: it does not seal the manifest; unchecked: verify could not check it. */
  status: 'pass' | 'fail' | 'unchecked';
  /** Why, for fail and unchecked. */
  reason?: string;
}

export interface ChainVerdict {
  status: 'pass' | 'fail' | 'not-checked';
  detail: string;
}

export interface Verdict {
  ok: boolean;
  /** Files re-hashed (checksum files aside). */
  checked: number;
  /** Signatures and seals checked again. */
  signatures: number;
  chain: ChainVerdict;
  /** Days of the archive (all of them: verification covers the whole PATH, the range only what is reported). */
  days: number;
  sealedDays: number;
  problems: Problem<string>[];
  warnings: string[];
}

export type SeverityCounts = Record<Severity, number>;

export interface DayRow {
  date: string;
  manifestSha256: string | null;
  previous: { date: string; sha256: string } | null;
  seal: SealInfo | null;
  /** Images the day manifest lists. */
  images: number;
  ok: number;
  incomplete: number;
  failed: number;
  /** Images with at least one signature verified when archived. */
  signed: number;
  withSbom: number;
  withProvenance: number;
  scanned: number;
  /** Sum over images of the newest scan report's CRITICAL and HIGH findings. */
  critical: number;
  high: number;
  /** Why the day manifest could not be read. */
  error?: string;
}

export interface SignerInfo {
  /** `key 98a2d3560b254454…`, or `SAN (issuer)`. */
  identity: string;
  verified: boolean;
  /** The verdict's code when not verified (no-trust-material, signature-invalid, …). */
  code?: string;
}

export interface SbomPlatform {
  /** `index`, `image` or `linux/amd64`. */
  platform: string;
  formats: string[];
  components: number | null;
}

export interface ImageCoverage {
  date: string;
  digest: string | null;
  status: string;
  error: string | null;
  signed: { signatures: number; verified: number; signers: SignerInfo[] };
  sbom: { documents: number; formats: string[]; components: number | null; platforms: SbomPlatform[]; missing: string[] };
  provenance: { attestations: number; builders: string[]; sources: string[] };
  scan: {
    reports: number;
    scanners: string[];
    scannedAt: string | null;
    /** Days between the scan and the archiving of the image, by the report's own clock. */
    ageDays: number | null;
    /** Of the newest report. */
    counts: SeverityCounts | null;
    /** Findings of the newest report an archived OpenVEX statement marks not_affected or fixed. */
    vexSuppressed: number;
  };
  evidence: number;
  invalid: number;
}

export interface InventoryRow {
  path: string;
  kind: string;
  format: string;
  sha256: string;
  size: number;
  /** An SBOM's component count, as its manifest summary records it; null for other evidence or when unknown. */
  components: number | null;
  valid: boolean;
  /** The archived signature verdict: verified, `unverified (code)`, or '' for unsigned material. */
  verdict: string;
  problems: Problem<string>[];
  deviations: Deviation[];
  firstDay: string;
  lastDay: string;
  days: number;
}

export interface ImageVersion {
  digest: string;
  /** The image folder (relative to its day). */
  path: string;
  firstDay: string;
  lastDay: string;
  days: number;
  inventory: InventoryRow[];
}

export interface RuleRow {
  rule: string;
  platform?: string;
  mode: string;
  status: string;
  reason: string;
}

export interface GateSummary {
  date: string;
  digest: string | null;
  outcome: 'pass' | 'fail' | 'unobtainable';
  results: RuleRow[];
}

export interface ImageRow {
  ref: string;
  /** The image on the newest day of the range it appears on. */
  latest: ImageCoverage;
  days: number;
  failedDays: number;
  firstDay: string;
  lastDay: string;
  versions: ImageVersion[];
  /**
   * One letter per day of the range: A verified signature, SBOM, provenance
   * and scan; P some of them; N none; I incomplete; F failed; - not listed.
   */
  timeline: string;
  gate?: GateSummary;
}

export interface AuditReport {
  format: typeof REPORT_FORMAT;
  tool: ToolInfo;
  generatedAt: string;
  source: { path: string; target: 'root' | 'day' | 'export' };
  range: { from: string | null; to: string | null; firstDay: string | null; lastDay: string | null; days: number };
  verdict: Verdict;
  days: DayRow[];
  images: ImageRow[];
  policy?: { path: string; name?: string; pass: number; fail: number };
}
