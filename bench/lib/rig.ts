/**
 * The browser cases' rig: one app server, one Chromium, one SDK client on the
 * store; each run gets a fresh browser context and deletes what it stored.
 * Beside it, `bare`: a second app server with CHECKSUM_MODE=off on the same
 * kind of store, whose API the ceiling page calls (it hashes nothing), and
 * which measures the app with checksums off.
 */
import type { Browser, Page } from 'playwright';
import type { S3Client } from '@aws-sdk/client-s3';
import type { AppServer, ExternalStore } from '../../testing/app-server.js';
import { openAppPage, runApp } from './app-run.js';
import { openCeilingPage, runCeiling } from './ceiling-run.js';
import type { CleanupScope } from './cleanup.js';
import { deleteObject, openStore, startApp, startBrowser } from './harness.js';
import { megabytesPerSecond } from './size.js';
import { openUppyPage, runUppy } from './uppy-run.js';

export interface RigApp {
  app: AppServer;
  browser: Browser;
  s3: S3Client;
}

export interface Rig extends RigApp {
  /** The same, with CHECKSUM_MODE=off (its own embedded store, or the same external store). */
  bare: RigApp;
}

/** Runs on the page after it loads and before the file is chosen (e.g. network emulation). */
export type PreparePage = (page: Page) => Promise<unknown>;

export interface RigOptions {
  /** Point the app at this store instead of the embedded one. */
  store?: ExternalStore;
  /** Share a running browser (its owner stops it) instead of launching one. */
  browser?: Browser;
  /** Extra environment for the app server. */
  env?: Record<string, string>;
}

export async function startRig(scope: CleanupScope, options: RigOptions = {}): Promise<Rig> {
  const where = options.store === undefined ? {} : { store: options.store };
  const app = await startApp(scope, options.env ?? {}, where);
  const browser = options.browser ?? (await startBrowser(scope));
  const bareApp = await startApp(scope, { CHECKSUM_MODE: 'off' }, where);
  return { app, browser, s3: openStore(scope, app), bare: { app: bareApp, browser, s3: openStore(scope, bareApp) } };
}

/** Runs after the body, while the page's renderer still lives (closing the context ends it). */
export type BeforeClose = () => Promise<unknown>;

export async function withPage<T>(rig: RigApp, body: (page: Page) => Promise<T>, beforeClose?: BeforeClose): Promise<T> {
  const context = await rig.browser.newContext();
  try {
    const result = await body(await context.newPage());
    await beforeClose?.();
    return result;
  } finally {
    await context.close();
  }
}

/** One ceiling run (through the checksums-off server: the bare page hashes nothing); MB/s of the PUT phase. */
export async function ceilingOnce(rig: Rig, filePath: string, prepare?: PreparePage, beforeClose?: BeforeClose): Promise<number> {
  const { bare } = rig;
  return withPage(bare, async (page) => {
    await openCeilingPage(page, bare.app);
    await prepare?.(page);
    const result = await runCeiling(page, filePath);
    await deleteObject(bare.s3, bare.app, result.key);
    return megabytesPerSecond(result.bytes, result.putMs);
  }, beforeClose);
}

export interface AppRun {
  /** From the input's change to Done. */
  megabytesPerSecond: number;
  /** Main-thread tasks over 50 ms between the change and Done. */
  longTasks: number;
}

/** One app run. */
export async function appRunOnce(rig: RigApp, filePath: string, bytes: number, prepare?: PreparePage, beforeClose?: BeforeClose): Promise<AppRun> {
  return withPage(rig, async (page) => {
    await openAppPage(page, rig.app);
    await prepare?.(page);
    const result = await runApp(page, filePath, bytes);
    await deleteObject(rig.s3, rig.app, result.key);
    return { megabytesPerSecond: megabytesPerSecond(result.bytes, result.totalMs), longTasks: result.longTasks };
  }, beforeClose);
}

/** One app run; MB/s from the input's change to Done. */
export async function appOnce(rig: RigApp, filePath: string, bytes: number, prepare?: PreparePage): Promise<number> {
  return (await appRunOnce(rig, filePath, bytes, prepare)).megabytesPerSecond;
}

/** One Uppy 5 run; MB/s from the input's change to Uppy's complete. */
export async function uppyOnce(rig: Rig, filePath: string, prepare?: PreparePage): Promise<number> {
  return withPage(rig, async (page) => {
    await openUppyPage(page, rig.app);
    await prepare?.(page);
    const result = await runUppy(page, filePath);
    for (const key of result.keys) await deleteObject(rig.s3, rig.app, key);
    return megabytesPerSecond(result.bytes, result.totalMs);
  });
}
