/**
 * The browser peer: Uppy 5 (bench/uppy-page/uppy-page.ts) in a bare page on the
 * app's origin, talking to the app's API. Its script is bundled here with
 * Vite's build API into one IIFE and inlined into the page, so it never enters
 * the product bundle.
 */
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright';
import { build } from 'vite';
import type { Rollup } from 'vite';
import type { AppServer } from '../../testing/app-server.js';
import type { UppyBenchResult } from '../uppy-page/uppy-settings.js';

export { UPPY_CONCURRENCY, UPPY_PART_SIZE } from '../uppy-page/uppy-settings.js';
export type { UppyBenchResult };

const ENTRY = fileURLToPath(new URL('../uppy-page/uppy-page.ts', import.meta.url));
export const UPPY_PATH = '/__bench/uppy';

export class UppyRunError extends Error {
  override name = 'UppyRunError';
}

let bundle: Promise<string> | undefined;

/** The page's script, built once per process. */
function uppyScript(): Promise<string> {
  bundle ??= (async () => {
    const output = (await build({
      configFile: false,
      logLevel: 'warn',
      define: { 'process.env.NODE_ENV': JSON.stringify('production') },
      build: {
        write: false,
        minify: true,
        lib: { entry: ENTRY, formats: ['iife'], name: 'uppyBenchPage', fileName: () => 'uppy-page.js' },
      },
    })) as Rollup.RollupOutput | Rollup.RollupOutput[];
    const chunk = (Array.isArray(output) ? output : [output]).flatMap((o) => o.output).find((item) => item.type === 'chunk');
    if (chunk === undefined || chunk.type !== 'chunk') throw new UppyRunError('vite build of the Uppy page produced no script');
    return chunk.code;
  })();
  return bundle;
}

/** Opens the Uppy page on the app's origin (so the store's CORS applies as it does to the app). */
export async function openUppyPage(page: Page, app: AppServer): Promise<void> {
  // `</script` cannot appear inside an inline script; the bundle's strings are escaped to be safe.
  const script = (await uppyScript()).replaceAll('</script', '<\\/script');
  const html = `<!doctype html><meta charset="utf-8"><title>uppy</title><input type="file" multiple><script>${script}</script>`;
  // As for the ceiling page: a fulfilled page counts as public to Local Network Access, so grant it.
  await page.context().grantPermissions(['local-network-access'], { origin: app.url });
  const url = `${app.url}${UPPY_PATH}`;
  await page.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: html }));
  await page.goto(url);
  await page.unroute(url);
}

/** Chooses the files in the page's input and lets Uppy upload them all; throws if any failed. */
export async function runUppy(page: Page, filePaths: string | readonly string[]): Promise<UppyBenchResult> {
  await page.locator('input[type=file]').setInputFiles(typeof filePaths === 'string' ? filePaths : [...filePaths]);
  // A string, not a function: tsx's name helpers would not exist in the page.
  const result = (await page.evaluate('window.benchUppy()')) as UppyBenchResult;
  if (result.failed.length > 0) throw new UppyRunError(`Uppy failed ${result.failed.length} file(s), e.g. ${result.failed[0]}`);
  return result;
}
