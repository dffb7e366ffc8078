/**
 * The browser cases' rig: one app server, one Chromium, one SDK client on the
 * store; each run gets a fresh browser context and deletes what it stored.
 */
import type { Browser, Page } from 'playwright';
import type { S3Client } from '@aws-sdk/client-s3';
import type { AppServer, ExternalStore } from '../../testing/app-server.js';
import { openAppPage, runApp } from './app-run.js';
import { openCeilingPage, runCeiling } from './ceiling-run.js';
import type { CleanupScope } from './cleanup.js';
import { deleteObject, openStore, startApp, startBrowser } from './harness.js';
import { megabytesPerSecond } from './size.js';

export interface Rig {
  app: AppServer;
  browser: Browser;
  s3: S3Client;
}

/** Runs on the page after it loads and before the file is chosen (e.g. network emulation). */
export type PreparePage = (page: Page) => Promise<unknown>;

export interface RigOptions {
  /** Point the app at this store instead of the embedded one. */
  store?: ExternalStore;
  /** Share a running browser (its owner stops it) instead of launching one. */
  browser?: Browser;
  /** Extra server environment, e.g. { CHECKSUM_MODE: 'off' }. */
  env?: Record<string, string>;
}

export async function startRig(scope: CleanupScope, options: RigOptions = {}): Promise<Rig> {
  const app = await startApp(scope, options.env ?? {}, options.store === undefined ? {} : { store: options.store });
  const browser = options.browser ?? (await startBrowser(scope));
  return { app, browser, s3: openStore(scope, app) };
}

export async function withPage<T>(rig: Rig, body: (page: Page) => Promise<T>): Promise<T> {
  const context = await rig.browser.newContext();
  try {
    return await body(await context.newPage());
  } finally {
    await context.close();
  }
}

/** One ceiling run; MB/s of the PUT phase. */
export async function ceilingOnce(rig: Rig, filePath: string, prepare?: PreparePage): Promise<number> {
  return withPage(rig, async (page) => {
    await openCeilingPage(page, rig.app);
    await prepare?.(page);
    const result = await runCeiling(page, filePath);
    await deleteObject(rig.s3, rig.app, result.key);
    return megabytesPerSecond(result.bytes, result.putMs);
  });
}

/** One app run; MB/s from the input's change to Done. */
export async function appOnce(rig: Rig, filePath: string, bytes: number, prepare?: PreparePage): Promise<number> {
  return withPage(rig, async (page) => {
    await openAppPage(page, rig.app);
    await prepare?.(page);
    const result = await runApp(page, filePath, bytes);
    await deleteObject(rig.s3, rig.app, result.key);
    return megabytesPerSecond(result.bytes, result.totalMs);
  });
}
