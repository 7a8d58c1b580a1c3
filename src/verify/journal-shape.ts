import type { Journal } from '../lib/archive-format.js';

const HEX = /^[a-f0-9]{64}$/;

/** A journal excuses nothing unless every field has the right shape. */
export function isJournalShape(value: unknown): value is Journal {
  if (!value || typeof value !== 'object') return false;
  const j = value as Journal;
  return (
    (j.schemaVersion === 1 || j.schemaVersion === 2) &&
    typeof j.startedAt === 'string' &&
    Array.isArray(j.files) &&
    j.files.every((f) => f && typeof f.path === 'string' && typeof f.sha256 === 'string' && HEX.test(f.sha256)) &&
    Array.isArray(j.manifests) &&
    j.manifests.every(
      (m) =>
        m &&
        typeof m.path === 'string' &&
        (m.before === null || (typeof m.before === 'string' && HEX.test(m.before))) &&
        typeof m.after === 'string' &&
        HEX.test(m.after) &&
        (m.previous === undefined || m.previous === null || typeof m.previous === 'string'),
    )
  );
}
