/**
 * Screenshots of the demo scenarios, for looking at the UI as a person would.
 * Build first, then run:
 *   npx vite build && npx tsx client/features/upload/demo/take-screenshots.ts [out-dir]
 * Serves dist/client on a random 127.0.0.1 port and writes PNGs (default /tmp/upload-ui-shots).
 */
import { createServer } from 'node:http';
import { mkdir, readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Page } from 'playwright';

const root = resolve('dist/client');
const outDir = resolve(process.argv[2] ?? '/tmp/upload-ui-shots');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

const server = createServer((req, res) => {
  const path = normalize(new URL(req.url ?? '/', 'http://x').pathname).replace(/^(\.\.[/\\])+/, '');
  const file = join(root, path === '/' ? 'index.html' : path);
  readFile(file).then(
    (body) => res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body),
    () => res.writeHead(404).end(),
  );
});
await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
await mkdir(outDir, { recursive: true });

async function shot(
  name: string,
  query: string,
  viewport: { width: number; height: number },
  act?: (page: Page) => Promise<void>,
  ready: (page: Page) => Promise<void> = (page) => page.getByRole('button', { name: 'Choose files' }).waitFor(),
) {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  await page.goto(`${base}/${query}`);
  await ready(page);
  await act?.(page);
  await page.waitForTimeout(300); // let the frame batcher and CSS transitions settle
  await page.screenshot({ path: join(outDir, `${name}.png`), fullPage: true });
  console.log(`${name}.png${errors.length ? `  page errors: ${errors.join(' | ')}` : ''}`);
  await page.close();
}

try {
  const desktop = { width: 1280, height: 800 };
  const narrow = { width: 390, height: 844 };
  await shot('empty', '?demo=empty', desktop);
  await shot('uploading', '?demo=uploading', desktop);
  await shot('done', '?demo=done', desktop);
  await shot('failed', '?demo=failed', desktop);
  await shot('all', '?demo', desktop);
  await shot('all-narrow', '?demo', narrow);
  await shot('paused', '?demo=uploading', desktop, (page) => page.getByRole('button', { name: 'Pause' }).click());
  await shot('drag-overlay', '?demo=empty', desktop, async (page) => {
    await page.evaluate(() => {
      const data = new DataTransfer();
      data.items.add(new File(['x'], 'x.bin'));
      document.querySelector('[aria-label="Drop files here"]')?.dispatchEvent(new DragEvent('dragenter', { bubbles: true, dataTransfer: data }));
    });
  });
  await shot('live-1000', '?demo=live&parts=1000&speed=400', desktop, (page) => page.waitForTimeout(1500));
  await shot('live-10000', '?demo=live&parts=10000&speed=4000', desktop, (page) => page.waitForTimeout(1500));
  // No ?demo and no API behind this static server: the config request fails.
  await shot('no-server', '', desktop, undefined, (page) => page.getByRole('button', { name: 'Try again' }).waitFor());
  await shot('focus', '?demo=empty', desktop, (page) => page.keyboard.press('Tab'));
} finally {
  await browser.close();
  server.close();
}
