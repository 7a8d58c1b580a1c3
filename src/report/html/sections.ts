/** The sections of the report page. Every archive value goes through `html`, which escapes it. */
import type { AuditReport, DayRow, GateSummary, ImageCoverage, ImageRow, InventoryRow, SealInfo } from '../model.js';
import { coverageMatrix, imagesChart, lineChart } from './charts.js';
import { html, type Markup } from './markup.js';

const pct = (part: number, whole: number) => (whole > 0 ? Math.round((1000 * part) / whole) / 10 : 0);
const short = (digest: string | null) => (digest ? (digest.length > 19 ? `${digest.slice(0, 19)}…` : digest) : '');

function status(word: string): Markup {
  return html`<span class="status-${word.replace(/[^a-z]/g, '')}">${word}</span>`;
}

function list(items: readonly (Markup | string)[], empty = '—'): Markup {
  if (items.length === 0) return html`<span class="muted">${empty}</span>`;
  if (items.length === 1) return html`${items[0]}`;
  return html`<ul class="compact">${items.map((item) => html`<li>${item}</li>`)}</ul>`;
}

export function header(report: AuditReport): Markup {
  const range = report.range.firstDay
    ? report.range.firstDay === report.range.lastDay
      ? report.range.firstDay
      : `${report.range.firstDay} … ${report.range.lastDay}`
    : 'no day';
  const limits = [report.range.from ? `from ${report.range.from}` : '', report.range.to ? `to ${report.range.to}` : ''].filter(Boolean).join(' ');
  return html`<header><h1>Evidence archive report</h1>
<p class="meta">${report.source.target} <code>${report.source.path}</code> · ${report.range.days} day(s): ${range}${limits ? ` (${limits})` : ''} · generated ${report.generatedAt} by ${report.tool.name} ${report.tool.version}</p></header>`;
}

export function verdict(report: AuditReport): Markup {
  const v = report.verdict;
  const seals = report.days.filter((d) => d.seal);
  const sealText =
    seals.length === 0
      ? 'no day in the range is sealed'
      : `${seals.length} of ${report.days.length} day(s) in the range sealed; ${seals.filter((d) => d.seal!.status === 'pass').length} seal(s) verified`;
  const signers = [...new Set(seals.map((d) => d.seal!.signer ?? 'unreadable seal'))];
  return html`<section id="verdict" class="verdict ${v.ok ? 'pass' : 'fail'}">
<h2>Verdict: ${v.ok ? 'the archive verifies' : 'VERIFICATION FAILED'}</h2>
<dl>
<dt>Files re-hashed</dt><dd id="verdict-checked">${v.checked} (every file against its <code>.sha256</code> and its manifest entry)</dd>
<dt>Signatures re-verified</dt><dd>${v.signatures} (signatures, attestations and seals checked again offline)</dd>
<dt>Hash chain</dt><dd>${status(v.chain.status === 'not-checked' ? 'not checked' : v.chain.status)}: ${v.chain.detail}</dd>
<dt>Seals</dt><dd>${sealText}${signers.length > 0 ? html`; signed by ${signers.join(', ')}` : ''}</dd>
<dt>Problems</dt><dd id="verdict-problems">${v.problems.length}</dd>
<dt>Days verified</dt><dd>${v.days} (verification covers the whole path; the range only limits what is reported below)</dd>
</dl>
${
  v.problems.length > 0
    ? html`<table id="problems"><thead><tr><th>Code</th><th>Path</th><th>Message</th></tr></thead><tbody>${v.problems.map(
        (p) => html`<tr><td><code>${p.code}</code></td><td class="wrap"><code>${p.path}</code></td><td>${p.message}</td></tr>`,
      )}</tbody></table>`
    : ''
}
${v.warnings.length > 0 ? html`<p><strong>Warnings</strong></p><ul class="compact">${v.warnings.map((w) => html`<li>${w}</li>`)}</ul>` : ''}
</section>`;
}

export function contents(report: AuditReport): Markup {
  const entries: [string, string][] = [
    ['summary', 'Summary'],
    ['trends', 'Trends'],
    ['coverage', 'Coverage per image'],
    ['days', 'Coverage per day'],
    ...(report.policy ? ([['policy', 'Policy decisions']] as [string, string][]) : []),
    ['inventory', 'Evidence inventory'],
    ['digests', 'Day manifest and seal digests'],
  ];
  return html`<nav aria-label="Contents"><ul>${entries.map(([id, name]) => html`<li><a href="#${id}">${name}</a></li>`)}</ul></nav>`;
}

export function summary(report: AuditReport): Markup {
  const last = report.days.at(-1);
  if (!last) return html`<section id="summary"><h2>Summary</h2><p>No day of the archive is in the range.</p></section>`;
  const images = report.images.length;
  return html`<section id="summary"><h2>Summary</h2>
<p>${images} image reference(s) over ${report.range.days} day(s). On ${last.date}: ${last.images} image(s) archived (${last.ok} ok, ${last.incomplete} incomplete, ${last.failed} failed);
${last.signed} with a verified signature (${pct(last.signed, last.images)}%), ${last.withSbom} with an SBOM (${pct(last.withSbom, last.images)}%), ${last.withProvenance} with provenance (${pct(last.withProvenance, last.images)}%), ${last.scanned} scanned; ${last.critical} critical and ${last.high} high finding(s) in the newest scans.</p>
${report.policy ? html`<p>Policy <code>${report.policy.name ?? report.policy.path}</code>: ${report.policy.pass} image(s) pass, ${report.policy.fail} do not.</p>` : ''}
</section>`;
}

export function trends(report: AuditReport): Markup {
  const dates = report.days.map((d) => d.date);
  const share = (f: (d: DayRow) => number) => report.days.map((d) => pct(f(d), d.images));
  return html`<section id="trends"><h2>Trends</h2>
${imagesChart(report.days)}
${lineChart(
  'chart-share',
  'Share of images signed (verified), with an SBOM, with provenance',
  dates,
  [
    { name: 'signed', cls: 's1', values: share((d) => d.signed) },
    { name: 'SBOM', cls: 's2', values: share((d) => d.withSbom) },
    { name: 'provenance', cls: 's3', values: share((d) => d.withProvenance) },
  ],
  { percent: true },
)}
${lineChart('chart-findings', 'Critical and high findings (newest scan of each image)', dates, [
  { name: 'critical', cls: 's4', values: report.days.map((d) => d.critical) },
  { name: 'high', cls: 's5', values: report.days.map((d) => d.high) },
])}
${report.images.length > 0 ? coverageMatrix(dates, report.images) : ''}
</section>`;
}

function signedCell(c: ImageCoverage): Markup {
  if (c.signed.signatures === 0) return html`<span class="muted">not signed</span>`;
  return list(
    c.signed.signers.map(
      (s) => html`${status(s.verified ? 'verified' : 'unverified')} ${s.identity}${s.code ? html` <span class="muted">(${s.code})</span>` : ''}`,
    ),
  );
}

function sbomCell(c: ImageCoverage): Markup {
  if (c.sbom.documents === 0) return html`<span class="muted">no SBOM</span>`;
  const platforms = c.sbom.platforms.map((p) => html`${p.platform}: ${p.formats.join(', ')}${p.components !== null ? `, ${p.components} components` : ''}`);
  const missing = c.sbom.missing.map((m) => html`${status('fail')} ${m}: none`);
  return list([...platforms, ...missing]);
}

function provenanceCell(c: ImageCoverage): Markup {
  if (c.provenance.attestations === 0) return html`<span class="muted">no provenance</span>`;
  return list(
    [...c.provenance.builders.map((b) => html`builder <code>${b}</code>`), ...c.provenance.sources.map((s) => html`source <code>${s}</code>`)],
    `${c.provenance.attestations} attestation(s)`,
  );
}

function scanCell(c: ImageCoverage): Markup {
  if (c.scan.reports === 0) return html`<span class="muted">not scanned</span>`;
  const counts = c.scan.counts;
  return html`${c.scan.scanners.join(', ')}${c.scan.scannedAt ? html`<br><span class="muted">${c.scan.scannedAt}${c.scan.ageDays !== null ? `, ${c.scan.ageDays} day(s) old when archived` : ''}</span>` : html`<br><span class="muted">no scan time</span>`}
${counts ? html`<br>C ${counts.CRITICAL} · H ${counts.HIGH} · M ${counts.MEDIUM} · L ${counts.LOW} · U ${counts.UNKNOWN}` : ''}${c.scan.vexSuppressed > 0 ? html`<br>${c.scan.vexSuppressed} suppressed by VEX` : ''}`;
}

export function coverage(report: AuditReport): Markup {
  const rows = report.images.map((image: ImageRow) => {
    const c = image.latest;
    return html`<tr>
<td class="image"><strong>${image.ref}</strong>${c.digest ? html`<br><code title="${c.digest}">${short(c.digest)}</code>` : ''}</td>
<td>${status(c.status)}${c.error ? html`<br><span class="muted">${c.error}</span>` : ''}${c.invalid > 0 ? html`<br>${status('fail')} ${c.invalid} invalid` : ''}</td>
<td class="num" data-value="${image.days}">${image.days}${image.failedDays > 0 ? html`<br><span class="status-failed">${image.failedDays} failed</span>` : ''}</td>
<td class="date">${c.date}</td>
<td>${signedCell(c)}</td>
<td>${sbomCell(c)}</td>
<td>${provenanceCell(c)}</td>
<td data-value="${c.scan.counts?.CRITICAL ?? -1}">${scanCell(c)}</td>
<td class="num">${c.evidence}</td>
</tr>`;
  });
  return html`<section id="coverage"><h2>Coverage per image</h2>
<p class="muted">Each image reference as archived on the newest day of the range it appears on. Severity counts are those of the newest scan report; VEX-suppressed findings are those an archived OpenVEX statement marks not_affected or fixed. A signature counts as verified when it verified at archive time and the verification above found nothing wrong with it. <span class="screen-only">Click a column header to sort.</span></p>
<table id="coverage-table" class="sortable"><thead><tr><th>Image</th><th>Status</th><th class="num">Days</th><th>As of</th><th>Signed</th><th>SBOM</th><th>Provenance</th><th>Scan</th><th class="num">Evidence</th></tr></thead>
<tbody>${rows}</tbody></table></section>`;
}

export function days(report: AuditReport): Markup {
  const rows = report.days.map(
    (d) =>
      html`<tr><td class="date">${d.date}${d.error ? html`<br>${status('fail')} ${d.error}` : ''}</td><td class="num">${d.images}</td><td class="num">${d.ok}</td><td class="num">${d.incomplete}</td><td class="num">${d.failed}</td><td class="num">${d.signed}</td><td class="num">${d.withSbom}</td><td class="num">${d.withProvenance}</td><td class="num">${d.scanned}</td><td class="num">${d.critical}</td><td class="num">${d.high}</td><td>${sealWord(d.seal)}</td></tr>`,
  );
  return html`<section id="days"><h2>Coverage per day</h2>
<table id="days-table" class="sortable"><thead><tr><th>Day</th><th class="num">Images</th><th class="num">OK</th><th class="num">Incomplete</th><th class="num">Failed</th><th class="num">Signed</th><th class="num">SBOM</th><th class="num">Provenance</th><th class="num">Scanned</th><th class="num">Critical</th><th class="num">High</th><th>Seal</th></tr></thead>
<tbody>${rows}</tbody></table></section>`;
}

function sealWord(seal: SealInfo | null): Markup {
  if (!seal) return html`<span class="muted">not sealed</span>`;
  const word = seal.status === 'pass' ? 'verified' : seal.status === 'fail' ? 'fail' : 'unchecked';
  return html`${status(word)} ${seal.signer ?? ''}`;
}

function gateTable(gate: GateSummary): Markup {
  return html`<table><thead><tr><th>Status</th><th>Rule</th><th>Platform</th><th>Mode</th><th>Reason</th></tr></thead><tbody>${gate.results.map(
    (r) => html`<tr><td>${status(r.status)}</td><td>${r.rule}</td><td>${r.platform ?? '—'}</td><td>${r.mode}</td><td>${r.reason}</td></tr>`,
  )}</tbody></table>`;
}

export function policy(report: AuditReport): Markup {
  if (!report.policy) return html``;
  if (!report.verdict.ok) {
    return html`<section id="policy"><h2>Policy decisions</h2><p>${status('fail')} Not evaluated: the gate never decides on an archive that does not verify (see the verdict above).</p></section>`;
  }
  return html`<section id="policy"><h2>Policy decisions</h2>
<p class="muted">Policy <code>${report.policy.name ?? ''}</code> <code>${report.policy.path}</code>, evaluated as <code>custody gate --bundle</code> does, for each image on the newest day of the range it appears on: every signature re-verified against the policy's own signers.</p>
${report.images
  .filter((image) => image.gate)
  .map(
    (image) =>
      html`<h3>${status(image.gate!.outcome)} ${image.ref} <span class="muted">(${image.gate!.date}${image.gate!.digest ? `, ${short(image.gate!.digest)}` : ''})</span></h3>${gateTable(image.gate!)}`,
  )}
</section>`;
}

/** `verified`, or `unverified` with the verdict's code. */
function verdictWord(verdict: string): Markup {
  if (verdict === 'verified') return status('verified');
  return html`${status('unverified')} <span class="muted">${verdict.replace(/^unverified ?/, '')}</span>`;
}

function inventoryRows(rows: readonly InventoryRow[]): Markup[] {
  return rows.map((row) => {
    const notes = [
      ...row.problems.map((p) => html`${status('fail')} <code>${p.code}</code> ${p.path} ${p.message}`),
      ...row.deviations.map((d) => html`${status('warn')} deviation <code>${d.code}</code> ${d.path} ${d.message}${d.producer ? ` (${d.producer})` : ''}`),
    ];
    const days = row.firstDay === row.lastDay ? row.firstDay : `${row.firstDay} … ${row.lastDay} (${row.days})`;
    return html`<tr><td class="wrap"><code>${row.path}</code></td><td>${row.kind}</td><td>${row.format}${row.components === null ? '' : html`<br><span class="muted">${row.components} components</span>`}</td><td class="wrap"><code>${row.sha256}</code></td><td class="num">${row.size}</td><td>${row.valid ? status('valid') : status('invalid')}${row.verdict ? html`<br>${verdictWord(row.verdict)}` : ''}</td><td>${list(notes, 'none')}</td><td class="date">${days}</td></tr>`;
  });
}

export function inventory(report: AuditReport): Markup {
  return html`<section id="inventory"><h2>Evidence inventory</h2>
<p class="muted">Every evidence file archived for each image, per digest: one row per file and content, with the days it was archived on.</p>
${report.images.map(
  (image) =>
    html`<h3>${image.ref}</h3>${image.versions.map(
      (
        version,
      ) => html`<p><code>${version.digest}</code> · <code>${version.path}</code> · ${version.firstDay === version.lastDay ? version.firstDay : `${version.firstDay} … ${version.lastDay}`} (${version.days} day(s))</p>
<table class="inventory"><thead><tr><th>Path</th><th>Kind</th><th>Format</th><th>sha256</th><th class="num">Bytes</th><th>Verdict</th><th>Problems and deviations</th><th>Days</th></tr></thead><tbody>${inventoryRows(version.inventory)}</tbody></table>`,
    )}`,
)}
</section>`;
}

export function digests(report: AuditReport): Markup {
  return html`<section id="digests"><h2>Day manifest and seal digests</h2>
<p class="muted">Tie this report to the archive: <code>sha256sum DAY/manifest.json DAY/manifest.json.sigstore.json</code> must print these.</p>
<table id="digests-table"><thead><tr><th>Day</th><th>manifest.json sha256</th><th>Previous day link</th><th>Seal sha256</th><th>Seal key sha256</th></tr></thead><tbody>${report.days.map(
    (d) =>
      html`<tr><td>${d.date}</td><td class="wrap"><code>${d.manifestSha256 ?? 'missing'}</code></td><td class="wrap">${d.previous ? html`${d.previous.date} <code>${d.previous.sha256}</code>` : html`<span class="muted">none (first day)</span>`}</td><td class="wrap">${d.seal ? html`<code>${d.seal.sha256}</code>` : html`<span class="muted">not sealed</span>`}</td><td class="wrap">${d.seal?.keySha256 ? html`<code>${d.seal.keySha256}</code>` : ''}</td></tr>`,
  )}</tbody></table></section>`;
}
