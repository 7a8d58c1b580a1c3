import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, CHROMIUM, loadPage } from '../../scripts/lib/chromium.mjs';
import { runCli, tempDir } from '../helpers/cli.js';
import { demoRoot, hostileRoot, LAYOUT_REF, SHOP_REF } from './fixture.js';

/**
 * The report in a real browser: Debian's chromium, headless, over the
 * DevTools protocol. Nothing may be requested but the file itself (and name
 * resolution is made to fail, so a request that slipped out would fail too);
 * the console stays clean (a script or style the Content-Security-Policy
 * blocked would be logged); the key parts are there, with or without
 * JavaScript; hostile strings stay text.
 */
const available = chromiumAvailable();
if (!available && process.env.CI === 'true')
  throw new Error(`${CHROMIUM} is missing: the report's browser test must run with CI=true (apt-get install chromium)`);

type Page = Awaited<ReturnType<typeof loadPage>>;
const pages: Page[] = [];

async function open(url: string, options: { javascript?: boolean } = {}): Promise<Page> {
  const page = await loadPage(url, { width: 1280, height: 2000, ...options });
  pages.push(page);
  return page;
}

afterAll(async () => {
  for (const page of pages) await page.browser.close();
});

describe.skipIf(!available)(`the report in chromium${available ? '' : ` [skipped: ${CHROMIUM} is missing]`}`, () => {
  let url: string;
  let hostileUrl: string;

  beforeAll(async () => {
    const out = await tempDir('custody-report-browser-');
    const file = join(out, 'report.html');
    expect((await runCli(['report', await demoRoot(), '--out', file])).code).toBe(0);
    url = pathToFileURL(file).href;
    const hostileFile = join(out, 'hostile.html');
    expect((await runCli(['report', await hostileRoot(), '--out', hostileFile])).code).toBe(0);
    hostileUrl = pathToFileURL(hostileFile).href;
  }, 120_000);

  it('requests nothing but the file, logs no error, runs its script', async () => {
    const page = await open(url);
    expect(page.requests).toEqual([url]);
    expect(page.exceptions).toEqual([]);
    expect(page.console.filter((m) => m.type === 'error' || m.type === 'warning')).toEqual([]);
    expect(page.log.filter((l) => l.level === 'error' || l.level === 'warning')).toEqual([]);
    // No URL anywhere in the DOM that a browser would fetch or follow off the page.
    const external = await page.evaluate(
      `[...document.querySelectorAll('*')].flatMap((e) => ['src', 'href', 'xlink:href', 'action', 'srcset', 'poster', 'data'].map((a) => e.getAttribute(a)).filter((v) => v !== null && !v.startsWith('#')))`,
    );
    expect(external).toEqual([]);
    expect(await page.evaluate(`document.querySelectorAll('link, iframe, object, embed, img, video, audio, source, base, form').length`)).toBe(0);
    expect(await page.evaluate(`[...document.styleSheets].map((s) => s.href)`)).toEqual([null]);
    // The script sorts a table when a header is clicked (the CSP let it run).
    const sorted = await page.evaluate(
      `(() => { const th = document.querySelector('#coverage-table th'); th.click(); th.click(); return [th.getAttribute('aria-sort'), [...document.querySelectorAll('#coverage-table tbody tr td:first-child strong')].map((s) => s.textContent)]; })()`,
    );
    expect(sorted).toEqual(['descending', [SHOP_REF, LAYOUT_REF]]);
  });

  it('shows the verdict first, the coverage, the charts as SVG, the inventory and the digests', async () => {
    const page = await open(url);
    const parts = await page.evaluate(`(() => ({
      first: document.querySelector('section').id,
      verdict: document.querySelector('#verdict h2').textContent,
      verdictClass: document.querySelector('#verdict').className,
      coverageRows: document.querySelectorAll('#coverage-table tbody tr').length,
      charts: [...document.querySelectorAll('figure.chart svg')].map((s) => s.closest('figure').id),
      bars: document.querySelectorAll('#chart-images g:not(.legend) > rect.bar-ok').length,
      inventoryRows: document.querySelectorAll('table.inventory tbody tr').length,
      digests: document.querySelectorAll('#digests-table tbody tr').length,
      visible: document.querySelector('#verdict').getBoundingClientRect().height > 0,
    }))()`);
    expect(parts).toEqual({
      first: 'verdict',
      verdict: 'Verdict: the archive verifies',
      verdictClass: 'verdict pass',
      coverageRows: 2,
      charts: ['chart-images', 'chart-share', 'chart-findings', 'chart-matrix'],
      bars: 2,
      inventoryRows: 14,
      digests: 2,
      visible: true,
    });
    const png = await page.screenshot();
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.length).toBeGreaterThan(20_000);
  });

  it('is complete without JavaScript', async () => {
    const page = await open(url, { javascript: false });
    expect(page.requests).toEqual([url]);
    const parts = await page.evaluate(
      `({ rows: document.querySelectorAll('#coverage-table tbody tr').length, charts: document.querySelectorAll('figure.chart svg').length, enhanced: document.querySelector('#coverage-table th').hasAttribute('data-sort') })`,
    );
    expect(parts).toEqual({ rows: 2, charts: 4, enhanced: false });
  });

  it('keeps hostile strings inert: no script of theirs runs, no element of theirs exists', async () => {
    const page = await open(hostileUrl);
    expect(page.requests).toEqual([hostileUrl]);
    expect(page.exceptions).toEqual([]);
    expect(page.log.filter((l) => l.level === 'error')).toEqual([]);
    const state = await page.evaluate(`({
      pwned: window.__pwned ?? null,
      scripts: document.scripts.length,
      foreign: document.querySelectorAll('img, link, svg[onload], [onerror], [onload]').length,
      shown: document.body.textContent.includes('<script>window.__pwned = 1</script>'),
    })`);
    expect(state).toEqual({ pwned: null, scripts: 1, foreign: 0, shown: true });
  });
});
