/**
 * Frame pacing of the simulated 10,000-part upload in Chromium: how many frames
 * painted in 3 s, the longest gap between two, and main-thread long tasks.
 *   npx vite build && npx tsx client/features/upload/demo/measure-frames.ts [parts] [MB/s]
 */
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright';

const parts = Number(process.argv[2] ?? 10_000);
const speed = Number(process.argv[3] ?? 1500);
const root = resolve('dist/client');
const server = createServer((req, res) => {
  const path = normalize(new URL(req.url ?? '/', 'http://x').pathname).replace(/^(\.\.[/\\])+/, '');
  const file = join(root, path === '/' ? 'index.html' : path);
  const type = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' }[extname(file)] ?? 'application/octet-stream';
  readFile(file).then((body) => res.writeHead(200, { 'content-type': type }).end(body), () => res.writeHead(404).end());
});
await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${base}/?demo=live&parts=${parts}&speed=${speed}`);
  await page.getByRole('progressbar', { name: `Part ${parts} of ${parts}` }).waitFor({ state: 'attached' });
  // A string, not a function: tsx would wrap named functions in a helper the page does not have.
  const figures = (await page.evaluate(`new Promise((done) => {
    const longTasks = [];
    new PerformanceObserver((list) => list.getEntries().forEach((entry) => longTasks.push(entry.duration))).observe({ type: 'longtask' });
    let frames = 0, maxGapMs = 0, last = performance.now();
    const started = last;
    function tick(now) {
      frames += 1;
      maxGapMs = Math.max(maxGapMs, now - last);
      last = now;
      if (now - started < 3000) return requestAnimationFrame(tick);
      const bar = document.querySelector('[aria-label$=" overall"]');
      done({ frames, maxGapMs: Math.round(maxGapMs), longTasks: longTasks.length, longTaskMs: Math.round(longTasks.reduce((a, b) => a + b, 0)), percent: bar && bar.getAttribute('aria-valuetext') });
    }
    requestAnimationFrame(tick);
  })`)) as { frames: number; maxGapMs: number; longTasks: number; longTaskMs: number; percent: string | null };
  console.log(`${parts} parts at ${speed} MB/s over 3 s: ${figures.frames} frames, longest gap ${figures.maxGapMs} ms, ${figures.longTasks} long tasks (${figures.longTaskMs} ms), progress ${figures.percent}`);
} finally {
  await browser.close();
  server.close();
}
