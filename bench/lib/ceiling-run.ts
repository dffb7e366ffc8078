/** One ceiling run: the bare page of ceiling-page.html uploads a file; returns the PUT phase's length. */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright';
import type { AppServer } from '../../testing/app-server.js';

const CEILING_HTML = readFile(new URL('./ceiling-page.html', import.meta.url), 'utf8');
export const CEILING_PATH = '/__bench/ceiling';
export const CEILING_CONCURRENCY = 6;

export interface CeilingResult {
  bytes: number;
  putMs: number;
  key: string;
}

/** Opens the bare page on the app's origin (so CORS matches the app's). */
export async function openCeilingPage(page: Page, app: AppServer): Promise<void> {
  const html = await CEILING_HTML;
  // A fulfilled response has no IP address, so Chromium counts the page as public and
  // its Local Network Access check blocks the PUTs to the loopback store; the app's own
  // page comes from 127.0.0.1 and needs no grant.
  await page.context().grantPermissions(['local-network-access'], { origin: app.url });
  const url = `${app.url}${CEILING_PATH}`;
  await page.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: html }));
  await page.goto(url);
  // While any route is set, Playwright intercepts every request, part PUTs included.
  await page.unroute(url);
}

export async function runCeiling(page: Page, filePath: string): Promise<CeilingResult> {
  await page.locator('input[type=file]').setInputFiles(filePath);
  // A string, not a function: tsx's name helpers would not exist in the page.
  return (await page.evaluate(`window.benchCeiling(${CEILING_CONCURRENCY})`)) as CeilingResult;
}
