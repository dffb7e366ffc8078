import { basename } from 'node:path';
import { expect, expectStoredIntact, fileCard, test, throttleUpload } from './fixtures.js';
import { sha256OfFile, testFile, testFiles } from '../testing/test-file.js';

const KiB = 1024;
const MiB = 1024 * KiB;

test('small files are created and completed in batch calls (create and sign in one), each stored with one PUT, and arrive intact', async ({ page, app, bucket }) => {
  const paths = await testFiles(5, 256 * KiB);
  const apiCalls: string[] = [];
  const batchedFiles: string[] = [];
  let batchCompleted = 0;
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/api/uploads')) apiCalls.push(`${request.method()} ${url.pathname}`);
    if (url.pathname === '/api/uploads/batch') batchedFiles.push(...(request.postDataJSON() as { files: { fileName: string }[] }).files.map((f) => f.fileName));
    if (url.pathname === '/api/uploads/batch/complete') batchCompleted += (request.postDataJSON() as { uploads: unknown[] }).uploads.length;
  });
  const puts: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'PUT') puts.push(request.url());
  });
  await page.goto(app.url);
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Choose files' }).click();
  await (await chooser).setFiles(paths);

  for (const path of paths) await expectStoredIntact(page, bucket, basename(path), await sha256OfFile(path));
  // Each file is created (and its PUT signed) in a batch call; files hashed close together share one.
  expect(batchedFiles.sort()).toEqual(paths.map((path) => basename(path)).sort());
  expect(apiCalls.filter((call) => call === 'POST /api/uploads' || call === 'POST /api/uploads/sign')).toEqual([]);
  // And completed in batch calls too: no per-file complete.
  expect(apiCalls.filter((call) => call === 'POST /api/uploads/complete')).toEqual([]);
  expect(batchCompleted).toBe(paths.length);
  expect(puts).toHaveLength(paths.length);
  expect(puts.every((url) => !new URL(url).searchParams.has('uploadId'))).toBe(true);
  expect((await bucket.objectKeys()).sort()).toHaveLength(paths.length);
});

test('cancelling a small file mid-PUT leaves nothing in the bucket', async ({ page, app, bucket }) => {
  const path = await testFile(6 * MiB, 'small-6MiB.bin');
  await page.goto(app.url);
  await throttleUpload(page, 1 * MiB);
  const putStarted = page.waitForRequest((request) => request.method() === 'PUT');
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Choose files' }).click();
  await (await chooser).setFiles(path);
  await putStarted;

  const card = fileCard(page, basename(path));
  await card.getByRole('button', { name: 'Cancel' }).click();
  await expect(card.getByText('Cancelled', { exact: true })).toBeVisible();
  // The engine asks the server to delete the object (it confirms with HeadObject) after the PUT is cut off.
  await expect.poll(() => bucket.objectKeys(), { timeout: 10_000 }).toEqual([]);
  expect(await bucket.multipartUploads()).toEqual([]);
});
