/**
 * Screenshots of the real app (real server, embedded store, real uploads) for
 * the README: empty, uploading with the part map, done, failed, and an
 * upload left unfinished by a closed tab, listed on the next visit and resumed.
 *
 *   npm run build && npx tsx scripts/take-screenshots.ts [outdir=docs]
 */
import { chromium } from 'playwright';
import type { BrowserContext, Page } from 'playwright';
import { chromiumLaunchOptions } from '../testing/chromium.js';
import { startAppServer } from '../testing/app-server.js';
import { withoutFilePicker } from '../testing/file-picker.js';
import { testFile } from '../testing/test-file.js';

const outDir = process.argv[2] ?? 'docs';
const MiB = 1024 * 1024;

/** Files are chosen through the <input type=file> fallback: Playwright cannot answer the File System Access picker. */
async function newPage(context?: BrowserContext): Promise<Page> {
  const page = context ? await context.newPage() : await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.addInitScript(withoutFilePicker);
  return page;
}

async function throttle(page: Page, bytesPerSecond: number): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: bytesPerSecond });
}

async function choose(page: Page, paths: string[]): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Choose files' }).click();
  await (await chooser).setFiles(paths);
}

const browser = await chromium.launch(chromiumLaunchOptions());
const app = await startAppServer();
const limited = await startAppServer({ MAX_FILE_SIZE: '100MiB' });
try {
  const big = await testFile(1024 * MiB, 'camera-roll.mov');
  const small = await testFile(42 * 1000 * 1000, 'quarterly-report.pdf');
  const page = await newPage();

  await page.goto(app.url);
  await page.getByRole('button', { name: 'Choose files' }).waitFor();
  await page.screenshot({ path: `${outDir}/empty.png` });

  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 60 * MiB });
  await choose(page, [big]);
  await page.getByRole('progressbar', { name: 'Part 50 of 128' }).and(page.locator('[aria-valuenow="8388608"]')).waitFor({ timeout: 120_000 });
  await page.screenshot({ path: `${outDir}/uploading.png` });

  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await page.getByText('Done', { exact: true }).waitFor({ timeout: 120_000 });
  await choose(page, [small]);
  await page.getByText('Done', { exact: true }).nth(1).waitFor({ timeout: 60_000 });
  await page.screenshot({ path: `${outDir}/done.png`, fullPage: true });

  const refused = await newPage();
  await refused.goto(limited.url);
  await choose(refused, [big]);
  await refused.getByRole('alert').waitFor();
  await refused.screenshot({ path: `${outDir}/failed.png` });

  // A tab closed at about 40 %, then the next visit: the unfinished upload is listed, and choosing the file resumes it.
  const visits = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const backup = await testFile(400 * 1000 * 1000, 'site-backup.tar');
  const first = await newPage(visits);
  await first.goto(app.url);
  await throttle(first, 60 * MiB);
  await choose(first, [backup]);
  await first.getByRole('progressbar', { name: 'Part 20 of 48' }).and(first.locator('[aria-valuenow="8388608"]')).waitFor({ timeout: 120_000 });
  await first.close();
  const next = await newPage(visits);
  await next.goto(app.url);
  await next.getByText(/ stored \(/).waitFor();
  await next.screenshot({ path: `${outDir}/unfinished.png` });
  await throttle(next, 30 * MiB);
  await choose(next, [backup]);
  await next.getByRole('progressbar', { name: 'Part 40 of 48' }).and(next.locator('[aria-valuenow="8388608"]')).waitFor({ timeout: 120_000 });
  await next.screenshot({ path: `${outDir}/resumed.png` });
  await visits.close();
  console.log(`screenshots written to ${outDir}/`);
} finally {
  await browser.close();
  await app.stop();
  await limited.stop();
}
