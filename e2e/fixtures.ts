import { test as base, expect } from '@playwright/test';
import type { CDPSession, Locator, Page } from '@playwright/test';
import { startAppServer } from './support/app-server.js';
import type { AppServer } from './support/app-server.js';
import { openBucket } from './support/bucket.js';
import type { BucketView } from './support/bucket.js';

interface Fixtures {
  /** Extra environment for the server; override with test.use({ serverEnv: { ... } }). */
  serverEnv: Record<string, string>;
  app: AppServer;
  bucket: BucketView;
}

export const test = base.extend<Fixtures>({
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
  return page.getByRole('article', { name: fileName });
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
