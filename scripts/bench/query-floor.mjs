#!/usr/bin/env node
// The floor under a query process (scripts/bench/index.mjs): the least any
// process answering from custody's index must do, and nothing of custody
// itself. It opens the index with node:sqlite, stats every day manifest (the
// look that lets a query refuse a stale index), runs the same reads custody
// runs for the question, joins them in memory and writes CSV with no
// quoting, sorting, VEX decision or output guard. Beside `custody query`,
// it tells what custody adds and what the index layout costs by itself.
// Usage: node query-floor.mjs ROOT package NAME LOW HIGH | vuln ID   (CSV on stdout;
// LOW HIGH: versions from LOW up to, not including, HIGH, compared as dotted numbers)
import { DatabaseSync } from 'node:sqlite';
const { readdirSync, statSync, writeSync } = process.getBuiltinModule('node:fs');

const [root, kind, term, low, high] = process.argv.slice(2);
const db = new DatabaseSync(`${root}/.custody-index/index.sqlite`, { readOnly: true });
const rows = (sql, ...params) => {
  const statement = db.prepare(sql);
  statement.setReturnArrays(true);
  return statement.all(...params);
};

const recorded = new Map(rows('SELECT date, stat FROM days'));
let stale = 0;
for (const date of readdirSync(root).filter((name) => /^\d{4}-\d{2}-\d{2}$/.test(name))) {
  const s = statSync(`${root}/${date}/manifest.json`);
  if (`${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}` !== recorded.get(date)) stale++;
}

/** The day YYYYMMDD as YYYY-MM-DD. */
const dateOf = (day) => `${String(day).slice(0, 4)}-${String(day).slice(4, 6)}-${String(day).slice(6)}`;

/** The uses of these documents, one [document, image, date, subject, path, format, valid] per day, and their subjects by id. */
function uses(documentIds) {
  const found = [];
  for (const [documentId, subjectId, path, format, valid, days] of rows(
    'SELECT document_id, subject_id, path, format, valid, days FROM uses WHERE document_id IN (SELECT value FROM json_each(?))',
    JSON.stringify(documentIds),
  ))
    for (const [day, imageId] of JSON.parse(days)) found.push([documentId, imageId, dateOf(day), subjectId, path, format, valid]);
  const subjectIds = [...new Set(found.map((u) => u[3]))];
  const subjects = new Map(
    rows('SELECT id, ref, digest, path FROM subjects WHERE id IN (SELECT value FROM json_each(?))', JSON.stringify(subjectIds)).map((s) => [s[0], s]),
  );
  return { found, subjects };
}

let out = '';
const flush = () => {
  writeSync(1, out);
  out = '';
};
let lines = 0;
if (kind === 'package') {
  const dotted = (version) => version.split('.').map(Number);
  const compare = (a, b) => {
    for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
    return 0;
  };
  const [from, to] = [dotted(low), dotted(high)];
  const components = rows('SELECT document_id, name, version, purl FROM components WHERE name = ? OR short_name = ?', term, term).filter(
    (c) => c[2] !== null && compare(dotted(c[2]), from) >= 0 && compare(dotted(c[2]), to) < 0,
  );
  const byDocument = new Map(components.map((c) => [c[0], c]));
  const { found, subjects } = uses([...byDocument.keys()]);
  out = 'date,ref,digest,name,version,purl,sbom,format,valid\r\n';
  for (const u of found) {
    const s = subjects.get(u[3]);
    const c = byDocument.get(u[0]);
    out += `${u[2]},${s[1]},${s[2]},${c[1]},${c[2] ?? ''},${c[3] ?? ''},${u[2]}/${s[3]}/${u[4]},${u[5]},${u[6] === 1}\r\n`;
    lines++;
    if (out.length >= 65536) flush();
  }
} else {
  const findings = rows(
    'SELECT f.document_id, f.vulnerability, f.severity, f.package, f.version, d.scanner FROM finding_names n JOIN findings f ON f.id = n.finding_id JOIN documents d ON d.id = f.document_id WHERE n.name = ?',
    term,
  );
  const byDocument = new Map(findings.map((f) => [f[0], f]));
  const { found, subjects } = uses([...byDocument.keys()]);
  const statements = rows('SELECT DISTINCT s.document_id, s.status FROM vex_names n JOIN vex_statements s ON s.id = n.statement_id WHERE n.name = ?', term);
  const vexByImage = new Map();
  for (const [path, documentId, days] of rows(
    'SELECT path, document_id, days FROM uses WHERE document_id IN (SELECT value FROM json_each(?)) AND valid = 1 AND +subject_id IN (SELECT value FROM json_each(?))',
    JSON.stringify([...new Set(statements.map((s) => s[0]))]),
    JSON.stringify([...subjects.keys()]),
  ))
    for (const [, imageId] of JSON.parse(days)) vexByImage.set(imageId, [imageId, path, documentId]);
  out = 'date,ref,digest,vulnerability,severity,package,version,vex,justification,vex_document,scan,scanner,valid\r\n';
  for (const u of found) {
    const s = subjects.get(u[3]);
    const f = byDocument.get(u[0]);
    const v = vexByImage.get(u[1]);
    out += `${u[2]},${s[1]},${s[2]},${f[1]},${f[2]},${f[3] ?? ''},${f[4] ?? ''},${v ? 'listed' : ''},,${v ? `${u[2]}/${s[3]}/${v[1]}` : ''},${u[2]}/${s[3]}/${u[4]},${f[5] ?? ''},${u[6] === 1}\r\n`;
    lines++;
    if (out.length >= 65536) flush();
  }
}
flush();
process.stderr.write(`${lines} rows, ${stale} day manifest(s) changed since indexed\n`);
