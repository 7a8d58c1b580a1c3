import { createHash } from 'node:crypto';
import { renderAuditHtml } from './html/page.js';
import type { AuditReport } from './model.js';
import { writeFileAtomic } from '../lib/atomic.js';

/** Write the report page atomically; returns its sha256, the digest the report is known by. */
export async function writeAuditHtml(report: AuditReport, path: string): Promise<{ path: string; sha256: string; bytes: number }> {
  const page = Buffer.from(renderAuditHtml(report), 'utf8');
  await writeFileAtomic(path, page);
  return { path, sha256: createHash('sha256').update(page).digest('hex'), bytes: page.length };
}
