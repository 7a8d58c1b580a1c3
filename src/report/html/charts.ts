/**
 * Inline SVG charts, drawn from numbers only (labels escaped like any
 * text): no script, no external resource, readable printed in grey.
 */
import type { DayRow, ImageRow } from '../model.js';
import { html, type Markup } from './markup.js';

const WIDTH = 960;
const LEFT = 56;
const RIGHT = 16;
const TOP = 16;
const PLOT = 140;
const BOTTOM = 44;

export interface Series {
  name: string;
  /** CSS class giving the colour and dash (s1…s4). */
  cls: string;
  values: number[];
}

const round = (n: number) => Math.round(n * 10) / 10;

/** A round top for the y axis: four equal steps, each a whole round number (counts never get a tick of 12.5). */
function niceMax(max: number): number {
  if (max <= 4) return 4;
  const step = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(step));
  for (const factor of [1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5, 8, 10]) {
    const candidate = factor * magnitude;
    if (candidate >= step && Number.isInteger(candidate)) return candidate * 4;
  }
  return 40 * magnitude;
}

/** Room kept at both ends of the x axis for a bar and a date label. */
const INSET = 40;

/** x position of day i of n: centred when there is one day. */
function xOf(i: number, n: number): number {
  const span = WIDTH - LEFT - RIGHT - 2 * INSET;
  return n <= 1 ? LEFT + INSET + span / 2 : LEFT + INSET + (span * i) / (n - 1);
}

function axes(dates: readonly string[], max: number, format: (v: number) => string): Markup[] {
  const parts: Markup[] = [];
  for (let k = 0; k <= 4; k++) {
    const value = (max * k) / 4;
    const y = round(TOP + PLOT - (PLOT * k) / 4);
    parts.push(
      html`<line class="grid" x1="${LEFT}" y1="${y}" x2="${WIDTH - RIGHT}" y2="${y}"/><text class="tick" x="${LEFT - 6}" y="${y + 4}" text-anchor="end">${format(value)}</text>`,
    );
  }
  const n = dates.length;
  const ticks = new Set<number>([0, n - 1]);
  const every = Math.max(1, Math.ceil(n / 8));
  for (let i = every; i < n - every / 2; i += every) ticks.add(i);
  for (const i of [...ticks].filter((t) => t >= 0).sort((a, b) => a - b)) {
    parts.push(html`<text class="tick" x="${round(xOf(i, n))}" y="${TOP + PLOT + 18}" text-anchor="middle">${dates[i]}</text>`);
  }
  return parts;
}

function legend(series: readonly Series[]): Markup {
  return html`<g class="legend">${series.map(
    (s, i) =>
      html`<line class="${s.cls}" x1="${LEFT + i * 220}" y1="${TOP + PLOT + 34}" x2="${LEFT + i * 220 + 24}" y2="${TOP + PLOT + 34}"/><text x="${LEFT + i * 220 + 30}" y="${TOP + PLOT + 38}">${s.name}</text>`,
  )}</g>`;
}

/** A line per series over the days; one day draws points. */
export function lineChart(id: string, title: string, dates: readonly string[], series: readonly Series[], options: { percent?: boolean } = {}): Markup {
  const max = options.percent ? 100 : niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
  const format = (v: number) => (options.percent ? `${Math.round(v)}%` : String(round(v)));
  const y = (v: number) => round(TOP + PLOT - (PLOT * v) / max);
  const n = dates.length;
  const lines = series.map((s) => {
    const points = s.values.map((v, i) => `${round(xOf(i, n))},${y(v)}`).join(' ');
    const dots =
      n <= 31
        ? s.values.map(
            (v, i) => html`<circle class="${s.cls}" cx="${round(xOf(i, n))}" cy="${y(v)}" r="3"><title>${dates[i]}: ${s.name} ${format(v)}</title></circle>`,
          )
        : [];
    return html`<polyline class="${s.cls}" points="${points}"/>${dots}`;
  });
  return html`<figure class="chart" id="${id}"><figcaption>${title}</figcaption><svg role="img" aria-label="${title}" viewBox="0 0 ${WIDTH} ${TOP + PLOT + BOTTOM}" xmlns="http://www.w3.org/2000/svg">${axes(dates, max, format)}${lines}${legend(series)}</svg></figure>`;
}

/** Images archived per day: ok, incomplete and failed stacked. */
export function imagesChart(days: readonly DayRow[]): Markup {
  const dates = days.map((d) => d.date);
  const max = niceMax(Math.max(0, ...days.map((d) => d.images)));
  const n = days.length;
  const span = WIDTH - LEFT - RIGHT;
  const barWidth = Math.max(1, Math.min(40, ((span - 2 * INSET) / Math.max(n, 1)) * 0.8));
  const bars = days.map((d, i) => {
    const x = round(xOf(i, n) - barWidth / 2);
    let base = TOP + PLOT;
    const parts: Markup[] = [];
    for (const [count, cls] of [
      [d.ok, 'bar-ok'],
      [d.incomplete, 'bar-incomplete'],
      [d.failed, 'bar-failed'],
    ] as const) {
      if (count <= 0) continue;
      const h = (PLOT * count) / max;
      base -= h;
      parts.push(html`<rect class="${cls}" x="${x}" y="${round(base)}" width="${round(barWidth)}" height="${round(h)}"/>`);
    }
    return html`<g><title>${d.date}: ${d.images} image(s), ${d.ok} ok, ${d.incomplete} incomplete, ${d.failed} failed</title>${parts}</g>`;
  });
  const key = html`<g class="legend">${(
    [
      ['bar-ok', 'ok'],
      ['bar-incomplete', 'incomplete'],
      ['bar-failed', 'failed'],
    ] as const
  ).map(
    ([cls, name], i) =>
      html`<rect class="${cls}" x="${LEFT + i * 160}" y="${TOP + PLOT + 28}" width="14" height="10"/><text x="${LEFT + i * 160 + 20}" y="${TOP + PLOT + 38}">${name}</text>`,
  )}</g>`;
  return html`<figure class="chart" id="chart-images"><figcaption>Images archived per day</figcaption><svg role="img" aria-label="Images archived per day" viewBox="0 0 ${WIDTH} ${TOP + PLOT + BOTTOM}" xmlns="http://www.w3.org/2000/svg">${axes(dates, max, (v) => String(round(v)))}${bars}${key}</svg></figure>`;
}

const TIMELINE_CLASSES: Record<string, string> = { A: 'cell-all', P: 'cell-partial', N: 'cell-none', I: 'cell-incomplete', F: 'cell-failed' };
const TIMELINE_KEYS: Record<string, string> = { A: 'complete', P: 'partial', N: 'none', I: 'incomplete', F: 'failed' };
const TIMELINE_WORDS: Record<string, string> = {
  A: 'verified signature, SBOM, provenance and scan',
  P: 'some evidence missing',
  N: 'no signature, SBOM, provenance or scan',
  I: 'incomplete',
  F: 'failed',
};

/** A reference short enough for the matrix: a digest shortened, then the end kept. */
function matrixLabel(ref: string): string {
  const shortened = ref.replace(/@sha256:([0-9a-f]{12})[0-9a-f]{52}/, '@sha256:$1…');
  return shortened.length > 34 ? `…${shortened.slice(-33)}` : shortened;
}

/** One row per image, one column per day: what the image had that day (runs of equal days drawn as one rectangle). */
export function coverageMatrix(dates: readonly string[], images: readonly ImageRow[]): Markup {
  const rowHeight = 12;
  const left = 260;
  const width = WIDTH - left - RIGHT;
  const n = Math.max(dates.length, 1);
  const cell = width / n;
  const rows = images.map((image, r) => {
    const y = TOP + r * rowHeight;
    const runs: Markup[] = [];
    let start = 0;
    for (let i = 1; i <= image.timeline.length; i++) {
      if (i < image.timeline.length && image.timeline[i] === image.timeline[start]) continue;
      const grade = image.timeline[start]!;
      const cls = TIMELINE_CLASSES[grade];
      if (cls) {
        const span = dates[i - 1] === dates[start] ? dates[start] : `${dates[start]} … ${dates[i - 1]}`;
        runs.push(
          html`<rect class="${cls}" x="${round(left + start * cell)}" y="${y}" width="${round(Math.max(cell * (i - start), 1))}" height="${rowHeight - 2}"><title>${image.ref} ${span}: ${TIMELINE_WORDS[grade]}</title></rect>`,
        );
      }
      start = i;
    }
    const label = matrixLabel(image.ref);
    return html`<text class="tick" x="${left - 6}" y="${y + rowHeight - 3}" text-anchor="end">${label}</text>${runs}`;
  });
  const height = TOP + images.length * rowHeight + 30;
  const keys = Object.entries(TIMELINE_CLASSES).map(
    ([grade, cls], i) =>
      html`<rect class="${cls}" x="${left + i * 140}" y="${height - 20}" width="14" height="10"/><text x="${left + i * 140 + 20}" y="${height - 11}">${TIMELINE_KEYS[grade]}</text>`,
  );
  return html`<figure class="chart" id="chart-matrix"><figcaption>Coverage per image and day</figcaption><svg role="img" aria-label="Coverage per image and day" viewBox="0 0 ${WIDTH} ${height}" xmlns="http://www.w3.org/2000/svg">${rows}<g class="legend">${keys}</g></svg></figure>`;
}
