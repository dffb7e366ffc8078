/**
 * What the browser cases start: the real app server (embedded store in a child
 * process, or an external store such as RGW) and headless Chromium, both stopped
 * by the case's cleanup scope.
 */
import { chromium } from 'playwright';
import type { Browser, CDPSession, Page } from 'playwright';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { chromiumLaunchOptions } from '../../testing/chromium.js';
import { startAppServer } from '../../testing/app-server.js';
import type { AppServer, AppServerOptions } from '../../testing/app-server.js';
import { createS3Client } from '../../server/s3/client.js';
import type { CleanupScope } from './cleanup.js';

export async function startApp(scope: CleanupScope, env: Record<string, string> = {}, options: AppServerOptions = {}): Promise<AppServer> {
  return scope.add(await startAppServer(env, options), (app) => app.stop());
}

export async function startBrowser(scope: CleanupScope): Promise<Browser> {
  return scope.add(await chromium.launch({ ...chromiumLaunchOptions(), headless: true }), (browser) => browser.close());
}

/** An SDK client on the app's store (for the peer, and to list and delete what the app stored). */
export function openStore(scope: CleanupScope, app: AppServer): S3Client {
  const { endpoint, region, accessKeyId, secretAccessKey } = app.s3;
  return scope.add(createS3Client({ endpoint, region, accessKeyId, secretAccessKey, forcePathStyle: true }), (s3) => s3.destroy());
}

/** Frees the disk a finished upload took, so the next run does not fill it. */
export async function deleteObject(s3: S3Client, app: AppServer, key: string): Promise<void> {
  await s3.send(new DeleteObjectCommand({ Bucket: app.s3.bucket, Key: key }));
}

export interface LinkConditions {
  /** Added round-trip latency, ms. */
  latency: number;
  /** Bytes per second, shared by all of the page's requests; -1 for no cap. */
  uploadThroughput: number;
}

/** The slow link of the slow-link case: 50 ms added latency, upload capped at 200 Mbit/s. */
export const SLOW_LINK: LinkConditions = { latency: 50, uploadThroughput: 25_000_000 };

/** Chromium's own network emulation (what DevTools' throttling uses), applied to one page. */
export async function emulateLink(page: Page, link: LinkConditions): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, downloadThroughput: -1, ...link });
  return cdp;
}
