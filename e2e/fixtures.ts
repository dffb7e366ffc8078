import { test as base, expect } from '@playwright/test';
import type { BrowserContext, CDPSession, Locator, Page } from '@playwright/test';
import { startAppServer } from '../testing/app-server.js';
import type { AppServer } from '../testing/app-server.js';
import { openBucket } from '../testing/bucket.js';
import { withoutFilePicker } from '../testing/file-picker.js';
import type { BucketView } from '../testing/bucket.js';

interface Fixtures {
  /** Extra environment for the server; override with test.use({ serverEnv: { ... } }). */
  serverEnv: Record<string, string>;
  app: AppServer;
  bucket: BucketView;
}

export const test = base.extend<Fixtures>({
  context: inputFilePickerContext,
  serverEnv: [{}, { option: true }],
  app: async ({ serverEnv }, use) => {
    const app = await startAppServer(serverEnv);
    await use(app);
    await app.stop();
  },
  bucket: async ({ app }, use) => {
    const bucket = openBucket(app);
    await use(bucket);
    bucket.close();
  },
});

export { expect };

/** The context fixture with files chosen through the <input type=file> fallback: Playwright cannot answer the File System Access picker. */
export async function inputFilePickerContext({ context }: { context: BrowserContext }, use: (context: BrowserContext) => Promise<void>): Promise<void> {
  await context.addInitScript(withoutFilePicker);
  await use(context);
}

/** Caps the page's upload bandwidth with Chromium's own network emulation, so a test can act mid-upload. */
export async function throttleUpload(page: Page, bytesPerSecond: number): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: bytesPerSecond,
  });
  return cdp;
}

export function fileCard(page: Page, fileName: string): Locator {
  return page.getByRole('article', { name: fileName, exact: true });
}

export function partBars(page: Page): Locator {
  return page.getByRole('progressbar', { name: /^Part \d+ of \d+$/ });
}

/** Chooses a file from disk through the "Choose files" button, as a person would. */
export async function chooseFile(page: Page, path: string): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Choose files' }).click();
  await (await chooser).setFiles(path);
}

export interface PartPuts {
  /** URLs of part PUTs sent and not yet answered or failed. */
  readonly inFlight: Set<string>;
  /** Part numbers of every part PUT sent, in order; clear it to count from a moment on. */
  readonly sent: number[];
}

/** Watches the page's part PUTs to the store. */
export function trackPartPuts(page: Page): PartPuts {
  const puts: PartPuts = { inFlight: new Set(), sent: [] };
  page.on('request', (request) => {
    if (request.method() !== 'PUT') return;
    puts.inFlight.add(request.url());
    puts.sent.push(Number(new URL(request.url()).searchParams.get('partNumber')));
  });
  const settle = (request: { method(): string; url(): string }) => {
    if (request.method() === 'PUT') puts.inFlight.delete(request.url());
  };
  page.on('requestfinished', settle);
  page.on('requestfailed', settle);
  return puts;
}

/** Waits for the card to say Done, then checks the stored object's bytes against the file and that no upload is left. */
export async function expectStoredIntact(page: Page, bucket: BucketView, fileName: string, sha256: string): Promise<string> {
  const card = fileCard(page, fileName);
  await expect(card.getByText('Done', { exact: true })).toBeVisible({ timeout: 120_000 });
  const key = (await card.locator('code').first().textContent()) ?? '';
  expect(await bucket.sha256(key)).toBe(sha256);
  expect(await bucket.multipartUploads()).toEqual([]);
  return key;
}
