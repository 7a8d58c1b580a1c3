/** What `custody diff` says, one structure for text, JSON and Markdown. Archive strings in it are data. */
import type { Severity } from '../formats/lib/severity.js';

export const DIFF_FORMAT = 'custody-diff/v1';

export interface DaySide {
  /** As given on the command line. */
  input: string;
  /** The folder or export read. */
  path: string;
  date: string;
  manifestSha256: string | null;
}

export interface ImageRef {
  ref: string;
  digest: string | null;
  status: string;
}

export interface EvidenceRef {
  kind: string;
  format: string;
  path: string;
  sha256: string;
}

export interface SignerRef {
  identity: string;
  verified: boolean;
}

export interface VulnRef {
  id: string;
  package: string;
  version: string | null;
  severity: Severity;
}

export interface ComponentChange {
  /** purl without version (`pkg:npm/lodash`), or the name when there is no purl. */
  component: string;
  from: string[];
  to: string[];
}

export interface ImageChanges {
  ref: string;
  from: { digest: string | null; status: string };
  to: { digest: string | null; status: string };
  evidence: { added: EvidenceRef[]; removed: EvidenceRef[] };
  signers: { added: SignerRef[]; removed: SignerRef[]; changed: { identity: string; from: boolean; to: boolean }[] };
  /** Compared only when both days hold a scan report of the image; otherwise `scanned` says which does. */
  vulnerabilities: { compared: boolean; scanned: { a: boolean; b: boolean }; new: VulnRef[]; fixed: VulnRef[] };
  /** Compared only when both days hold an SBOM whose components custody can list. */
  components: { compared: boolean; listed: { a: boolean; b: boolean }; added: ComponentChange[]; removed: ComponentChange[]; changed: ComponentChange[] };
}

export interface DayDiff {
  format: typeof DIFF_FORMAT;
  a: DaySide;
  b: DaySide;
  same: boolean;
  images: {
    added: ImageRef[];
    removed: ImageRef[];
    repointed: { ref: string; from: string; to: string }[];
    status: { ref: string; from: string; to: string }[];
  };
  /** Images in both days that changed in any way. */
  changed: ImageChanges[];
}
