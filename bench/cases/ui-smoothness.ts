/**
 * Case 6, UI smoothness: the real UI (UploadPage) showing a 10,000-part upload
 * driven by the real engine over the in-browser fake API and paced transport of
 * the UI bench page (bench/ui-page, its own Vite entry, production build in
 * dist/bench-ui, served as static files), in headless Chromium. Per run: a fresh page; once the part map is up,
 * frames are counted for WINDOW_MS; long tasks are counted from the first
 * script to the window's end (mounting 10,000 cells included).
 *
 * Second scenario, a drop of DROP_FILES files of DROP_FILE_KIB at once (the
 * same addFiles a drop calls): long tasks from the first script until every
 * card is on the page and DROP_WINDOW_MS more.
 */
import { chromium } from 'playwright';
import type { Browser } from 'playwright';
import { chromiumLaunchOptions } from '../../testing/chromium.js';
import { BENCH_UI_OUT_DIR } from '../lib/build-client.js';
import { serveStatic } from '../lib/static-site.js';
import type { BenchCase, BenchContext, Measurement } from '../lib/types.js';
import { formatSelfTime, topSelfTime, type CpuProfile } from '../lib/ui-bench-profile.js';
import { observeExpression, PAGE_PROBE_SCRIPT, type ObservedWindow } from '../lib/ui-bench-probe.js';

const PARTS = 10_000;
const LINK_MB_PER_SECOND = 60;
const CONCURRENCY = 6;
/** UI_BENCH_SECONDS shortens the window for development runs. */
const WINDOW_MS = Number(process.env.UI_BENCH_SECONDS ?? 10) * 1000;
/** UI_BENCH_PROFILE=1 records a CPU profile of each run (page start to window end) and logs the top self-time functions. */
const PROFILE = process.env.UI_BENCH_PROFILE === '1';
const VIEWPORT = { width: 1280, height: 800 };
const DROP_FILES = 1000;
const DROP_FILE_KIB = 256;
const DROP_WINDOW_MS = 3000;

export interface UiRun {
  longTasks: number;
  longestTaskMs: number;
  framesPerSecond: number;
  /** Long tasks that started inside the observed window (steady state, mount excluded). */
  windowLongTasks: number;
  window: ObservedWindow;
  profile?: CpuProfile;
}

export async function measureUiRun(browser: Browser, baseUrl: string): Promise<UiRun> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    await context.addInitScript({ content: PAGE_PROBE_SCRIPT });
    const page = await context.newPage();
    // A cross-site navigation swaps the renderer and drops the profiler: with PROFILE, open a same-origin page first.
    if (PROFILE) await page.goto(`${baseUrl}/favicon.ico`);
    const cdp = PROFILE ? await context.newCDPSession(page) : undefined;
    await cdp?.send('Profiler.enable');
    await cdp?.send('Profiler.start');
    await page.goto(`${baseUrl}/?parts=${PARTS}&mbps=${LINK_MB_PER_SECOND}&concurrency=${CONCURRENCY}`);
    // A CSS selector, not getByRole: computing accessible names of 10,000 cells would itself be a long task in the page.
    await page.locator(`[role="progressbar"][aria-label="Part ${PARTS} of ${PARTS}"]`).waitFor({ state: 'attached', timeout: 60_000 });
    const window = (await page.evaluate(observeExpression(WINDOW_MS))) as ObservedWindow;
    const profile = cdp ? ((await cdp.send('Profiler.stop')).profile as CpuProfile) : undefined;
    const durations = window.longTasks.map((task) => task.durationMs);
    return {
      longTasks: durations.length,
      longestTaskMs: durations.length === 0 ? 0 : Math.max(...durations),
      framesPerSecond: window.frames / ((window.endMs - window.startMs) / 1000),
      windowLongTasks: window.longTasks.filter((task) => task.startMs >= window.startMs).length,
      window,
      ...(profile !== undefined && { profile }),
    };
  } finally {
    await context.close();
  }
}

export interface DropRun {
  longTasks: number;
  longestTaskMs: number;
  /** From the first script to the last of the cards being on the page. */
  cardsUpMs: number;
  /** Cards showing Done at the window's end. */
  done: number;
}

export async function measureDropRun(browser: Browser, baseUrl: string): Promise<DropRun> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    await context.addInitScript({ content: PAGE_PROBE_SCRIPT });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/?files=${DROP_FILES}&fileKiB=${DROP_FILE_KIB}&mbps=${LINK_MB_PER_SECOND}&concurrency=${CONCURRENCY}`);
    await page.waitForFunction((count) => document.querySelectorAll('article.file-card').length >= count, DROP_FILES, { timeout: 60_000, polling: 50 });
    const cardsUpMs = await page.evaluate(() => performance.now());
    const window = (await page.evaluate(observeExpression(DROP_WINDOW_MS))) as ObservedWindow;
    const done = await page.locator('article.file-card[data-status="done"]').count();
    const durations = window.longTasks.map((task) => task.durationMs);
    return { longTasks: durations.length, longestTaskMs: durations.length === 0 ? 0 : Math.max(...durations), cardsUpMs, done };
  } finally {
    await context.close();
  }
}

async function run(context: BenchContext): Promise<Measurement[]> {
  // bench/run.ts builds the bench page (dist/bench-ui) before any case runs.
  const site = await serveStatic(BENCH_UI_OUT_DIR);
  const browser = await chromium.launch(chromiumLaunchOptions());
  const runs: UiRun[] = [];
  const drops: DropRun[] = [];
  try {
    for (let index = 0; index < context.runs; index += 1) {
      const result = await measureUiRun(browser, site.url);
      runs.push(result);
      const w = result.window;
      context.log(
        `ui run ${index + 1}: ${result.longTasks} long tasks (longest ${result.longestTaskMs.toFixed(0)} ms; ${result.windowLongTasks} inside the window), ` +
          `${result.framesPerSecond.toFixed(1)} fps, longest frame gap ${w.longestFrameGapMs.toFixed(0)} ms, ${w.partsDone} parts stored, overall ${w.overall ?? '?'}`,
      );
      if (result.profile) context.log(`ui run ${index + 1}: top self time (main thread, page start to window end)\n${formatSelfTime(topSelfTime(result.profile, 20))}`);
      const drop = await measureDropRun(browser, site.url);
      drops.push(drop);
      context.log(
        `ui drop run ${index + 1}: ${drop.longTasks} long tasks (longest ${drop.longestTaskMs.toFixed(0)} ms), ` +
          `${DROP_FILES} cards up after ${drop.cardsUpMs.toFixed(0)} ms, ${drop.done} done ${DROP_WINDOW_MS / 1000} s later`,
      );
    }
  } finally {
    await browser.close();
    await site.close();
  }
  const conditions =
    `headless Chromium ${VIEWPORT.width}x${VIEWPORT.height}, production build of the bench page; real engine + UploadPage, ` +
    `${PARTS} parts of 8 MiB over a fake transport at ${LINK_MB_PER_SECOND} MB/s shared by ${CONCURRENCY} parts in flight, ` +
    `progress every 50 ms per part, fake sign 5 ms per 100 URLs; ${WINDOW_MS / 1000} s window from when the part map is up; 2 shared cores`;
  const dropConditions =
    `headless Chromium ${VIEWPORT.width}x${VIEWPORT.height}, production build of the bench page; real engine + UploadPage, ` +
    `${DROP_FILES} files of ${DROP_FILE_KIB} KiB handed to addFiles at once (what a drop calls), fake transport at ${LINK_MB_PER_SECOND} MB/s, ${CONCURRENCY} in flight; ` +
    `from the first script until every card is on the page and ${DROP_WINDOW_MS / 1000} s more; 2 shared cores`;
  return [
    {
      id: 'ui.long-tasks',
      label: `UI: long tasks (> 50 ms), page start to ${WINDOW_MS / 1000} s into a ${PARTS}-part upload`,
      unit: 'count',
      samples: runs.map((r) => r.longTasks),
      better: 'lower',
      note: `${conditions}; counts include mounting the part map (inside the window alone: ${runs.map((r) => r.windowLongTasks).join(', ')})`,
    },
    {
      id: 'ui.longest-task',
      label: 'UI: longest main-thread task',
      unit: 'ms',
      samples: runs.map((r) => Math.round(r.longestTaskMs)),
      better: 'lower',
      note: `${conditions}; 0 when no task exceeded 50 ms`,
    },
    {
      id: 'ui.frames-per-second',
      label: `UI: frames per second during a ${PARTS}-part upload`,
      unit: 'fps',
      samples: runs.map((r) => Math.round(r.framesPerSecond * 10) / 10),
      better: 'higher',
      note: `${conditions}; requestAnimationFrame callbacks ÷ window length (headless Chromium paces at ~60)`,
    },
    {
      id: 'ui.drop-long-tasks',
      label: `UI: long tasks (> 50 ms) while ${DROP_FILES} dropped files appear and start`,
      unit: 'count',
      samples: drops.map((d) => d.longTasks),
      better: 'lower',
      note: `${dropConditions}; all cards on the page after ${drops.map((d) => `${d.cardsUpMs.toFixed(0)} ms`).join(', ')}`,
    },
    {
      id: 'ui.drop-longest-task',
      label: `UI: longest main-thread task while ${DROP_FILES} dropped files appear and start`,
      unit: 'ms',
      samples: drops.map((d) => Math.round(d.longestTaskMs)),
      better: 'lower',
      note: `${dropConditions}; 0 when no task exceeded 50 ms`,
    },
  ];
}

export const uiSmoothness: BenchCase = { name: 'ui', run };
