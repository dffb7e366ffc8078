/**
 * CPU seconds of everything a browser case runs on this machine: one
 * Chromium's processes (CDP, so other browsers on a shared machine are not
 * counted) and the app servers with their embedded stores (/proc: every
 * server/main.ts on the machine).
 */
import type { Browser } from 'playwright';
import { snapshotBrowserCpu } from './browser-cpu.js';
import { snapshotCpu } from './process-cpu.js';

export async function snapshotRigCpu(browser: Browser) {
  const server = [...snapshotCpu()].filter(([, sample]) => !sample.kind.startsWith('chromium'));
  return new Map([...server, ...(await snapshotBrowserCpu(browser))]);
}
