/**
 * The UI bench page's main-thread tasks from a Chromium trace, each long task
 * (> 50 ms of wall time) with its CPU time and what filled it:
 *
 *   npx tsx bench/trace-ui.ts [--seconds 8] [--top 5] [--query "parts=10000"] [--query "files=1000&fileKiB=256"]
 *
 * On a shared machine a task's wall time grows with everyone else's load, and
 * PerformanceObserver('longtask') sees only wall time; the trace's thread time
 * says how much of a long task was the page's own work, and the `--top` tasks
 * with the most CPU say what the page's longest work is whatever the load.
 * Each query loads in a fresh browser context, cold as in the benchmark (no
 * cached script or compiled code from the one before). Needs the bench page
 * built (npx vite build --config bench/ui-page/vite.config.ts; `npm run bench` does it).
 */
import { chromium } from 'playwright';
import { chromiumLaunchOptions } from '../testing/chromium.js';
import { BENCH_UI_OUT_DIR } from './lib/build-client.js';
import { serveStatic } from './lib/static-site.js';
import { longTaskReport, type TraceEvent } from './lib/trace-tasks.js';

function option(name: string): string[] {
  const values: string[] = [];
  process.argv.forEach((arg, index) => {
    if (arg === `--${name}` && process.argv[index + 1] !== undefined) values.push(process.argv[index + 1]!);
  });
  return values;
}

const seconds = Number(option('seconds')[0] ?? 8);
const top = Number(option('top')[0] ?? 5);
const queries = option('query').length > 0 ? option('query') : ['parts=10000', 'files=1000&fileKiB=256'];
const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute'];

const site = await serveStatic(BENCH_UI_OUT_DIR);
const browser = await chromium.launch(chromiumLaunchOptions());
try {
  for (const query of queries) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${site.url}/favicon.ico`); // the same renderer then loads the page under trace
    await browser.startTracing(page, { categories: CATEGORIES });
    await page.goto(`${site.url}/?${query}&mbps=60&concurrency=6`);
    await page.waitForTimeout(seconds * 1000);
    const trace = JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] };
    await context.close();
    process.stdout.write(`## ?${query}, ${seconds} s from navigation\n\n${longTaskReport(trace.traceEvents, top)}\n\n`);
  }
} finally {
  await browser.close();
  await site.close();
}
