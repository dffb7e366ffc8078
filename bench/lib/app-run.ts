/**
 * One app run: the real app in the page, the file handed to its file input, timed
 * in the page from the input's change event to the card's status becoming Done.
 */
import type { Page } from 'playwright';
import type { AppServer } from '../../testing/app-server.js';

/**
 * Installed before the app's own scripts: a capture listener for the file input's
 * change, and a MutationObserver on the cards' data-status that settles
 * window.__benchSettled when the first card ends. Plain JS in a string so nothing
 * from the bundler leaks into the page.
 */
const TIMING_SCRIPT = `
  window.__benchTiming = { changeAt: null, doneAt: null, status: null, longTasks: [] };
  let settle;
  window.__benchSettled = new Promise((resolve) => { settle = resolve; });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__benchTiming.longTasks.push({ startMs: entry.startTime, durationMs: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
  document.addEventListener('change', (event) => {
    const input = event.target;
    if (input instanceof HTMLInputElement && input.type === 'file' && window.__benchTiming.changeAt === null) {
      window.__benchTiming.changeAt = performance.now();
    }
  }, true);
  new MutationObserver(() => {
    const card = document.querySelector('article.file-card');
    if (!card) return;
    const status = card.getAttribute('data-status');
    window.__benchTiming.status = status;
    if (status === 'done' && window.__benchTiming.doneAt === null) window.__benchTiming.doneAt = performance.now();
    if (status === 'done' || status === 'failed' || status === 'cancelled') settle();
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
`;

export class AppUploadFailedError extends Error {
  override name = 'AppUploadFailedError';
}

export interface AppResult {
  bytes: number;
  /** Change event to Done (create, sign, every part, complete). */
  totalMs: number;
  /** Main-thread tasks over 50 ms that started between the change event and Done. */
  longTasks: number;
  key: string;
}

export async function openAppPage(page: Page, app: AppServer): Promise<void> {
  await page.addInitScript(TIMING_SCRIPT);
  await page.goto(app.url);
  await page.getByRole('button', { name: 'Choose files' }).waitFor();
}

/** Hands the file to the app's input; the upload starts on its own. */
export async function chooseFile(page: Page, filePath: string): Promise<void> {
  await page.locator('input[type=file]').setInputFiles(filePath);
}

export interface PageTiming {
  /** performance.now() at the file input's change event. */
  changeAt: number | null;
  doneAt: number | null;
  status: string | null;
  longTasks: { startMs: number; durationMs: number }[];
}

export async function waitForDone(page: Page, bytes: number, timeoutMs = 30 * 60_000): Promise<AppResult> {
  // Awaits the page's promise instead of polling (waitForFunction runs its predicate in the page every
  // interval, which the CPU figures would count against the app). A function, not a string: the app's CSP forbids eval.
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AppUploadFailedError(`the app's upload did not end within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([page.evaluate(() => (window as unknown as { __benchSettled: Promise<void> }).__benchSettled), timedOut]);
  } finally {
    clearTimeout(timer);
  }
  const timing = await pageTiming(page);
  if (timing.doneAt === null || timing.changeAt === null) {
    const message = await page.locator('article.file-card [role=alert]').textContent().catch(() => null);
    throw new AppUploadFailedError(`the app's upload ended as ${timing.status}: ${message ?? 'no message'}`);
  }
  const key = (await page.locator('article.file-card code').first().textContent()) ?? '';
  const { changeAt, doneAt } = timing;
  const longTasks = timing.longTasks.filter((task) => task.startMs >= changeAt && task.startMs <= doneAt).length;
  return { bytes, totalMs: doneAt - changeAt, key, longTasks };
}

export async function runApp(page: Page, filePath: string, bytes: number): Promise<AppResult> {
  await chooseFile(page, filePath);
  return waitForDone(page, bytes);
}

export async function pageTiming(page: Page): Promise<PageTiming> {
  return page.evaluate(() => (window as unknown as { __benchTiming: PageTiming }).__benchTiming);
}
