// Opens a leakscope HTML report in headless Chromium (through playwright-core) and uses it
// like a person would: reads the summary cards, filters and sorts the table, opens a
// details panel, and saves screenshots. Fails on any console error, page error, or request
// that is not file: or data: (the report must work offline and load nothing).
//
// Run by crates/leakscope/tests/report_browser.rs. Environment:
//   LEAKSCOPE_REPORT      the .html file
//   LEAKSCOPE_EXPECT      JSON: what the page must show (see the test)
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
const reportPath = env('LEAKSCOPE_REPORT');
const expect = JSON.parse(env('LEAKSCOPE_EXPECT'));
const artifacts = env('LEAKSCOPE_ARTIFACTS');
const { chromium } = createRequire(import.meta.url)(env('PLAYWRIGHT_CORE'));

const failures = [];
function check(ok, what) {
  if (!ok) failures.push(what);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
}

const profile = mkdtempSync(join(tmpdir(), 'leakscope-chromium-'));
mkdirSync(artifacts, { recursive: true });
const context = await chromium.launchPersistentContext(profile, {
  executablePath: env('LEAKSCOPE_CHROMIUM'),
  headless: true,
  // No sandbox (CI runs as root), no GPU, and nothing that phones home on its own.
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

const problems = [];
const offsite = [];
// Anything but the report itself and data: URLs is refused and recorded.
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

try {
  const page = context.pages()[0] || (await context.newPage());
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console ${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));

  await page.goto(pathToFileURL(reportPath).href, { waitUntil: 'load' });
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });

  const text = async (testid) => (await page.getByTestId(testid).first().textContent()).trim();
  const number = async (testid) => Number((await text(testid)).replace(/,/g, ''));
  const rows = async () => page.getByTestId('secret-row').count();

  // Summary cards.
  check((await number('count-total')) === expect.total, `total card shows ${expect.total} (got ${await text('count-total')})`);
  for (const [group, counts] of Object.entries(expect.cards)) {
    for (const [key, n] of Object.entries(counts)) {
      const id = `count-${group}-${key}`;
      const got = (await page.getByTestId(id).count()) ? await number(id) : null;
      check(got === n, `${id} = ${n} (got ${got})`);
    }
  }
  check((await rows()) === expect.total, `table lists every secret (${await rows()})`);
  check((await page.getByTestId('timeline-bar').count()) === Math.min(expect.total, 40), 'one timeline bar per secret');

  // The untouched page, for the artifact.
  await page.screenshot({ path: join(artifacts, 'report.png'), fullPage: true });

  // Text filter.
  await page.getByTestId('filter-text').fill(expect.filter.text);
  await page.waitForFunction(
    (n) => document.querySelectorAll('[data-testid="secret-row"]').length === n,
    expect.filter.rows, { timeout: 5000 },
  ).catch(() => {});
  check((await rows()) === expect.filter.rows, `filter "${expect.filter.text}" leaves ${expect.filter.rows} rows (got ${await rows()})`);
  check((await number('row-count')) === expect.filter.rows, 'the row count follows the filter');
  await page.getByTestId('filter-clear').click();
  check((await rows()) === expect.total, 'clearing the filters shows every secret again');

  // Select filters.
  await page.getByTestId('filter-severity').selectOption('critical');
  check((await rows()) === expect.cards.severity.critical, `severity filter: ${expect.cards.severity.critical} critical rows (got ${await rows()})`);
  await page.getByTestId('filter-severity').selectOption('');
  await page.getByTestId('filter-kind').selectOption(expect.sas.kind);
  check((await rows()) === expect.cards.kind[expect.sas.kind], 'kind filter');
  await page.getByTestId('filter-kind').selectOption('');

  // Sorting by clicking a heading, both ways.
  const names = async () => page.$$eval('[data-testid="secret-row"] .name', (els) => els.map((e) => e.textContent));
  await page.getByTestId('sort-name').click();
  let got = await names();
  check(JSON.stringify(got) === JSON.stringify([...got].sort((a, b) => a.localeCompare(b))), `sorted by name, ascending: ${got.join(' | ')}`);
  await page.getByTestId('sort-name').click();
  got = await names();
  check(JSON.stringify(got) === JSON.stringify([...got].sort((a, b) => b.localeCompare(a))), 'sorted by name, descending');
  const ariaSort = await page.locator('th[data-key="name"]').getAttribute('aria-sort');
  check(ariaSort === 'descending', 'the sorted heading says so (aria-sort)');

  // Details panel of the SAS.
  await page.getByTestId('filter-text').fill(expect.sas.filter);
  await page.getByTestId('secret-row').first().click();
  const details = page.getByTestId('details');
  await details.waitFor({ state: 'visible', timeout: 5000 });
  const card = await page.getByTestId('sas-card').textContent();
  for (const want of expect.sas.card_contains) check(card.includes(want), `SAS card says "${want}"`);
  check((await page.getByTestId('occurrence').count()) === expect.sas.occurrences, 'every occurrence is listed');
  await page.screenshot({ path: join(artifacts, 'report-details.png') });
  await page.keyboard.press('Escape');
  await details.waitFor({ state: 'hidden', timeout: 5000 });
  check(true, 'Escape closes the details panel');
} catch (e) {
  failures.push(`error: ${e && e.stack ? e.stack : e}`);
  console.log(`FAIL ${e}`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}

for (const p of problems) failures.push(p);
for (const u of offsite) failures.push(`network request outside file:/data: ${u}`);
if (failures.length) {
  console.error(`\n${failures.length} problem(s):\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log(`all browser checks passed; screenshots in ${artifacts}`);
