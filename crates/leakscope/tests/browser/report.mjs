// Opens leakscope HTML reports in headless Chromium (through playwright-core) and uses them
// like a person would: reads the summary cards, filters and sorts the table, opens a
// details panel, and saves screenshots. Fails on any console error or warning, page
// error, dialog (an injected alert), or request that is not file: or data: (the report
// must work offline and load nothing).
//
// Run by crates/leakscope/tests/report_browser.rs. Environment:
//   LEAKSCOPE_PAGES       JSON array: one object per report, what it must show (see the test)
//   PLAYWRIGHT_CORE       directory of the playwright-core package
//   LEAKSCOPE_CHROMIUM    the browser executable
//   LEAKSCOPE_ARTIFACTS   directory for the screenshots

import { createRequire } from 'node:module';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const pages = JSON.parse(env('LEAKSCOPE_PAGES'));
const artifacts = env('LEAKSCOPE_ARTIFACTS');
const { chromium } = createRequire(import.meta.url)(env('PLAYWRIGHT_CORE'));

const failures = [];
let label = '';
function check(ok, what) {
  if (!ok) failures.push(`${label}: ${what}`);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}: ${what}`);
}

const profile = mkdtempSync(join(tmpdir(), 'leakscope-chromium-'));
mkdirSync(artifacts, { recursive: true });
// A fresh profile every run; no sandbox (CI runs as root), no GPU, and none of the
// browser's own background traffic (updates, sync, field trials, QUIC probes).
const context = await chromium.launchPersistentContext(profile, {
  executablePath: env('LEAKSCOPE_CHROMIUM'),
  headless: true,
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
  viewport: { width: 1440, height: 1000 },
  deviceScaleFactor: 1,
  colorScheme: 'light',
  timezoneId: 'UTC',
  locale: 'en-GB',
});

const offsite = [];
await context.route('**/*', (route) => {
  const url = route.request().url();
  if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
  offsite.push(url);
  return route.abort();
});
context.on('request', (req) => {
  const url = req.url();
  if (!url.startsWith('file:') && !url.startsWith('data:')) offsite.push(url);
});

async function run(spec) {
  label = spec.name;
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') check(false, `console ${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => check(false, `page error: ${err.message}`));
  page.on('dialog', (d) => { check(false, `a dialog opened: ${d.message()}`); d.dismiss(); });

  const started = Date.now();
  await page.goto(pathToFileURL(spec.report).href, { waitUntil: 'load' });
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
  const ready = Date.now() - started;
  check(ready < (spec.max_ready_ms || 5000), `ready in ${ready} ms`);

  const text = async (testid) => ((await page.getByTestId(testid).first().textContent()) || '').trim();
  const number = async (testid) => Number((await text(testid)).replace(/,/g, ''));
  const rows = async () => page.getByTestId('secret-row').count();
  const settle = async (n) => page.waitForFunction(
    (want) => document.querySelectorAll('[data-testid="secret-row"]').length === want, n, { timeout: 5000 },
  ).catch(() => {});

  // Summary cards.
  check((await number('count-total')) === spec.total, `total card shows ${spec.total} (got ${await text('count-total')})`);
  for (const [group, counts] of Object.entries(spec.cards || {})) {
    for (const [key, n] of Object.entries(counts)) {
      const id = `count-${group}-${key}`;
      const got = (await page.getByTestId(id).count()) ? await number(id) : null;
      check(got === n, `${id} = ${n} (got ${got})`);
    }
  }
  const pageRows = Math.min(spec.total, 200);
  check((await rows()) === pageRows, `the table holds ${pageRows} rows (got ${await rows()})`);
  check((await number('row-count')) === spec.total, `"Showing ${spec.total}"`);
  check((await page.getByTestId('timeline-bar').count()) === Math.min(spec.total, 40), 'one timeline bar per secret, up to 40');
  if (spec.total === 0) {
    check((await page.getByTestId('empty').isVisible()), 'an empty store says so');
  }
  if (spec.screenshot) {
    await page.screenshot({ path: join(artifacts, spec.screenshot), fullPage: spec.full_page !== false });
  }

  if (spec.more) {
    await page.getByTestId('show-more').click();
    await settle(Math.min(spec.total, 400));
    check((await rows()) === Math.min(spec.total, 400), '"Show more" adds a page of rows');
  }

  // Text filter, then clearing it.
  if (spec.filter) {
    await page.getByTestId('filter-text').fill(spec.filter.text);
    await settle(spec.filter.rows);
    check((await rows()) === spec.filter.rows, `filter "${spec.filter.text}" leaves ${spec.filter.rows} rows (got ${await rows()})`);
    check((await number('row-count')) === spec.filter.rows, 'the row count follows the filter');
    await page.getByTestId('filter-clear').click();
    check((await number('row-count')) === spec.total, 'clearing the filters shows every secret again');
  }

  // Select filters.
  for (const [select, value, n] of spec.selects || []) {
    await page.getByTestId(`filter-${select}`).selectOption(value);
    check((await number('row-count')) === n, `${select} = ${value}: ${n} rows (got ${await text('row-count')})`);
    await page.getByTestId(`filter-${select}`).selectOption('');
  }

  // Sorting by clicking a heading, both ways.
  if (spec.sort) {
    const names = async () => page.$$eval('[data-testid="secret-row"] .name', (els) => els.map((e) => e.textContent));
    const sorted = (list, dir) => JSON.stringify(list) === JSON.stringify([...list].sort((a, b) => dir * a.localeCompare(b)));
    await page.getByTestId('sort-name').click();
    const up = await names();
    check(sorted(up, 1), `sorted by name, ascending: ${up.join(' | ')}`);
    await page.getByTestId('sort-name').click();
    check(sorted(await names(), -1), 'sorted by name, descending');
    check((await page.locator('th[data-key="name"]').getAttribute('aria-sort')) === 'descending', 'the sorted heading says so (aria-sort)');
    await page.getByTestId('sort-severity').click();
    const sev = await page.$$eval('[data-testid="secret-row"] .badge', (els) => els.filter((e) => /sev-/.test(e.className)).map((e) => e.textContent));
    check(sev[0] === 'critical', `severity sort puts critical first (${sev.join(',')})`);
  }

  // The details panel of one secret.
  if (spec.details) {
    const d = spec.details;
    await page.getByTestId('filter-text').fill(d.filter);
    await settle(1);
    await page.getByTestId('secret-row').first().click();
    const panel = page.getByTestId('details');
    await panel.waitFor({ state: 'visible', timeout: 5000 });
    check((await text('details-title')) === d.title, `details title "${d.title}" (got "${await text('details-title')}")`);
    if (d.card_contains) {
      const card = (await page.getByTestId('sas-card').count()) ? await page.getByTestId('sas-card').textContent() : '';
      for (const want of d.card_contains) check(card.includes(want), `SAS card says "${want}"`);
    }
    check((await page.getByTestId('occurrence').count()) === d.occurrences, `${d.occurrences} occurrences listed`);
    const body = await panel.textContent();
    for (const want of d.contains || []) check(body.includes(want), `details say "${want}"`);
    if (d.screenshot) await page.screenshot({ path: join(artifacts, d.screenshot) });
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
    check(!(await panel.isVisible()), 'Escape closes the details panel');
  }
  await page.close();
}

try {
  for (const spec of pages) {
    try {
      await run(spec);
    } catch (e) {
      check(false, `error: ${e && e.stack ? e.stack : e}`);
    }
  }
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}

for (const u of offsite) failures.push(`network request outside file:/data: ${u}`);
if (failures.length) {
  console.error(`\n${failures.length} problem(s):\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log(`all browser checks passed; screenshots in ${artifacts}`);
