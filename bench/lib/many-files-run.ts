/**
 * Many files through the real app UI: all handed to its file input at once,
 * timed in the page from the input's change event until the upload list says
 * nothing is in progress any more; then the store is asked what arrived.
 */
import { DeleteObjectsCommand, ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Page } from 'playwright';
import type { AppServer } from '../../testing/app-server.js';

/**
 * Installed before the app's scripts: the change time, and the first moment the
 * list's summary ("1000 files", no "· N in progress") shows every file settled.
 * Reading the summary, not the cards, keeps it true if the list is ever virtualized.
 */
const MANY_FILES_TIMING_SCRIPT = `
  window.__benchMany = { changeAt: null, settledAt: null, files: 0 };
  document.addEventListener('change', (event) => {
    const input = event.target;
    if (input instanceof HTMLInputElement && input.type === 'file' && window.__benchMany.changeAt === null) {
      window.__benchMany.changeAt = performance.now();
      window.__benchMany.files = input.files ? input.files.length : 0;
    }
  }, true);
  new MutationObserver(() => {
    const timing = window.__benchMany;
    if (timing.changeAt === null || timing.settledAt !== null) return;
    const summary = document.querySelector('.upload-summary');
    const text = summary ? summary.textContent || '' : '';
    const count = Number((text.match(/^[\\d,]+/) || ['0'])[0].replace(/,/g, ''));
    if (count === timing.files && !text.includes('in progress')) timing.settledAt = performance.now();
  }).observe(document, { subtree: true, childList: true, characterData: true });
`;

interface ManyFilesTiming {
  changeAt: number | null;
  settledAt: number | null;
  files: number;
}

export class ManyFilesRunError extends Error {
  override name = 'ManyFilesRunError';
}

export async function openAppForManyFiles(page: Page, app: AppServer): Promise<void> {
  await page.addInitScript(MANY_FILES_TIMING_SCRIPT);
  await page.goto(app.url);
  await page.getByRole('button', { name: 'Choose files' }).waitFor();
}

/** Hands every file to the app's input and waits until none is in progress; ms from change to settled. */
export async function runAppManyFiles(page: Page, filePaths: readonly string[], timeoutMs = 30 * 60_000): Promise<number> {
  await page.locator('input[type=file]').setInputFiles([...filePaths]);
  await page.waitForFunction(() => (window as unknown as { __benchMany: ManyFilesTiming }).__benchMany.settledAt !== null, undefined, {
    polling: 100,
    timeout: timeoutMs,
  });
  const timing = await page.evaluate(() => (window as unknown as { __benchMany: ManyFilesTiming }).__benchMany);
  const failed = await page.locator('article.file-card[data-status=failed]').count();
  if (failed > 0) {
    const message = await page.locator('article.file-card[data-status=failed] [role=alert]').first().textContent().catch(() => null);
    throw new ManyFilesRunError(`${failed} of ${filePaths.length} files failed in the app, e.g. ${message ?? 'no message'}`);
  }
  if (timing.changeAt === null || timing.settledAt === null) throw new ManyFilesRunError('the page saw no change event');
  return timing.settledAt - timing.changeAt;
}

/** Checks that exactly `expected` objects are stored and no multipart upload is left, then deletes every object. */
export async function expectStoredAndEmpty(s3: S3Client, bucket: string, expected: number): Promise<void> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((object) => object.Key ?? ''));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  const pending = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  for (let first = 0; first < keys.length; first += 1000) {
    const Objects = keys.slice(first, first + 1000).map((Key) => ({ Key }));
    await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects, Quiet: true } }));
  }
  if (keys.length !== expected) throw new ManyFilesRunError(`the store holds ${keys.length} objects, expected ${expected}`);
  if ((pending.Uploads ?? []).length > 0) throw new ManyFilesRunError(`${pending.Uploads?.length} multipart uploads left in the store`);
}
