/**
 * Per image (reference), the digests it had in the range and, per digest,
 * every evidence file archived for it: one row per file and content, with
 * the days it was archived on (a nightly archive repeats most files).
 */
import type { EvidenceView } from '../days/views.js';
import type { ImageVersion, InventoryRow } from './model.js';

export function verdictText(entry: EvidenceView): string {
  const v = entry.verification;
  if (!v) return '';
  return v.verified ? 'verified' : `unverified${v.code ? ` (${v.code})` : ''}`;
}

/** Collects the versions and inventory of one image reference, day by day (days come oldest first). */
export class VersionLog {
  readonly #versions = new Map<string, { version: ImageVersion; rows: Map<string, InventoryRow> }>();

  add(date: string, digest: string, path: string, evidence: readonly EvidenceView[]): void {
    const key = `${digest}\u0000${path}`;
    let slot = this.#versions.get(key);
    if (!slot) {
      slot = { version: { digest, path, firstDay: date, lastDay: date, days: 0, inventory: [] }, rows: new Map() };
      this.#versions.set(key, slot);
    }
    slot.version.lastDay = date;
    slot.version.days++;
    for (const entry of evidence) {
      const rowKey = `${entry.path}\u0000${entry.sha256}\u0000${verdictText(entry)}\u0000${entry.valid}`;
      const row = slot.rows.get(rowKey);
      if (row) {
        row.lastDay = date;
        row.days++;
        continue;
      }
      slot.rows.set(rowKey, {
        path: entry.path,
        kind: entry.kind,
        format: entry.formatVersion ? `${entry.format} ${entry.formatVersion}` : entry.format,
        sha256: entry.sha256,
        size: entry.size,
        components: entry.kind === 'sbom' && typeof entry.summary.componentCount === 'number' ? entry.summary.componentCount : null,
        valid: entry.valid,
        verdict: verdictText(entry),
        problems: entry.problems,
        deviations: entry.deviations,
        firstDay: date,
        lastDay: date,
        days: 1,
      });
    }
  }

  versions(): ImageVersion[] {
    return [...this.#versions.values()].map(({ version, rows }) => ({ ...version, inventory: [...rows.values()] }));
  }
}
