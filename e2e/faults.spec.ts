import { basename } from 'node:path';
import { PENDING_ABORTS_STORAGE_KEY } from '../client/engine/pending-aborts.js';
import { chooseFile, expectStoredIntact, fileCard, throttleUpload } from './fixtures.js';
import { expect, test } from './fault-fixtures.js';
import { dropEtag, flipByte, internalError, resetMidBody, slowDown, stall } from '../testing/fault-proxy.js';
import type { Fault } from '../testing/fault-proxy.js';
import { sha256OfFile, testFile } from '../testing/test-file.js';

const MB = 1000 * 1000;
const MiB = 1024 * 1024;
const seconds = (n: number) => new Promise((resolve) => setTimeout(resolve, n * 1000));

test('part PUTs answered 500 and 503 SlowDown through the fault proxy are retried and the bytes arrive intact', async ({ page, faulty, bucket }) => {
  const path = await testFile(30 * MB);
  const firstAttempt500 = faulty.storeProxy.addRule({ match: { method: 'PUT', partNumber: 1, attempt: 1 }, fault: internalError });
  const firstAttempt503 = faulty.storeProxy.addRule({ match: { method: 'PUT', partNumber: 3, attempt: 1 }, fault: slowDown });
  await page.goto(faulty.pageUrl);
  await chooseFile(page, path);
  await expectStoredIntact(page, bucket, basename(path), await sha256OfFile(path));
  expect(firstAttempt500.hits).toBe(1);
  expect(firstAttempt503.hits).toBe(1);
  const parts = faulty.storeProxy.log.filter((r) => r.method === 'PUT' && r.partNumber !== null);
  expect(parts.filter((r) => r.attempt === 2).map((r) => r.partNumber).sort()).toEqual([1, 3]);
});

test('a part answered once without its ETag is sent again, and the upload completes intact', async ({ page, faulty, bucket }) => {
  const path = await testFile(30 * MB);
  const rule = faulty.storeProxy.addRule({ match: { method: 'PUT', partNumber: 2, attempt: 1 }, fault: dropEtag });
  await page.goto(faulty.pageUrl);
  await chooseFile(page, path);
  await expectStoredIntact(page, bucket, basename(path), await sha256OfFile(path));
  expect(rule.hits).toBe(1);
  expect(faulty.storeProxy.log.some((r) => r.method === 'PUT' && r.partNumber === 2 && r.attempt === 2)).toBe(true);
  expect(faulty.apiProxy.log.some((r) => r.method === 'DELETE')).toBe(false);
});

test('a part held with no answer is cut after the idle time (30 s, the default) and sent again', async ({ page, faulty, bucket }) => {
  test.setTimeout(180_000);
  const path = await testFile(30 * MB);
  const rule = faulty.storeProxy.addRule({ match: { method: 'PUT', partNumber: 2, attempt: 1 }, fault: stall });
  await page.goto(faulty.pageUrl);
  await chooseFile(page, path);
  const held = await faulty.storeProxy.waitForRequest({ method: 'PUT', partNumber: 2 }, { includePast: true });
  const heldAt = Date.now();
  await faulty.storeProxy.waitForRequest({ method: 'PUT', partNumber: 2, attempt: 2 }, { includePast: true, timeoutMs: 60_000 });
  expect(Date.now() - heldAt).toBeGreaterThanOrEqual(25_000); // cut for idleness, not before
  expect(held.attempt).toBe(1);
  await expectStoredIntact(page, bucket, basename(path), await sha256OfFile(path));
  expect(rule.hits).toBe(1);
});

test('the API down for 60 s during complete: complete keeps trying and the stored parts are kept', async ({ page, faulty, bucket }) => {
  test.setTimeout(240_000);
  const path = await testFile(30 * MB);
  const outage = faulty.apiProxy.addRule({ match: { method: 'POST', path: '/api/uploads/complete' }, fault: { kind: 'outage', ms: 60_000 }, times: 1 });
  await page.goto(faulty.pageUrl);
  await chooseFile(page, path);
  await faulty.apiProxy.waitForRequest({ method: 'POST', path: '/api/uploads/complete' }, { includePast: true });
  const downAt = Date.now();
  const card = fileCard(page, basename(path));
  await expect(card.getByText('Server unreachable, retrying')).toBeVisible({ timeout: 30_000 });
  await card.screenshot({ path: test.info().outputPath('server-unreachable.png') });
  await expect(fileCard(page, basename(path)).getByText('Done', { exact: true })).toBeVisible({ timeout: 150_000 });
  expect(Date.now() - downAt).toBeGreaterThanOrEqual(55_000);
  expect(outage.hits).toBe(1);
  await expectStoredIntact(page, bucket, basename(path), await sha256OfFile(path));
  expect(faulty.apiProxy.log.some((r) => r.method === 'DELETE')).toBe(false);
});

test('offline for 10 s mid-upload: sending waits and the upload completes intact', async ({ page, faulty, bucket }) => {
  test.setTimeout(180_000);
  const path = await testFile(100 * MB);
  await page.goto(faulty.pageUrl);
  await throttleUpload(page, 20 * MiB);
  await chooseFile(page, path);
  await faulty.storeProxy.waitForRequest({ method: 'PUT', partNumber: 3 }, { includePast: true });
  await page.context().setOffline(true);
  const offlineAt = Date.now();
  const card = fileCard(page, basename(path));
  await expect(card.getByText('Waiting for the network')).toBeVisible({ timeout: 8_000 });
  await expect(card.getByText('Speed')).toHaveCount(0); // no frozen speed or time left while waiting
  await card.screenshot({ path: test.info().outputPath('waiting-for-network.png') });
  await seconds(10 - (Date.now() - offlineAt) / 1000);
  await page.context().setOffline(false);
  await expectStoredIntact(page, bucket, basename(path), await sha256OfFile(path));
});

test('the store down for 90 s (past every budget): the upload fails clearly, and its abort is kept until nothing is left', async ({ page, faulty, bucket }) => {
  test.setTimeout(300_000);
  const path = await testFile(100 * MB);
  await page.goto(faulty.pageUrl);
  await throttleUpload(page, 20 * MiB);
  await chooseFile(page, path);
  await faulty.storeProxy.waitForRequest({ method: 'PUT', partNumber: 3 }, { includePast: true });
  await expect.poll(() => bucket.multipartUploads()).toHaveLength(1);
  await faulty.storeProxy.down();
  const card = fileCard(page, basename(path));
  await expect(card.getByText('Storage unreachable, retrying')).toBeVisible({ timeout: 20_000 });
  await card.screenshot({ path: test.info().outputPath('storage-unreachable.png') });
  await expect(card.getByText('Failed', { exact: true })).toBeVisible({ timeout: 80_000 });
  await expect(card.getByRole('alert')).toContainText(/could not be sent|connection to the storage/);
  // The parts it had stored are being aborted: the card does not claim them.
  await expect(card.getByRole('progressbar', { name: `${basename(path)} overall` })).toHaveAttribute('aria-valuenow', '0');
  await card.screenshot({ path: test.info().outputPath('failed-after-store-down.png') });
  expect(await bucket.multipartUploads()).toHaveLength(1); // the abort cannot get through yet
  await seconds(90 - 40);
  await faulty.storeProxy.up();
  await expect.poll(() => bucket.multipartUploads(), { timeout: 60_000, intervals: [1000] }).toEqual([]);
  expect(await bucket.objectKeys()).toEqual([]);
});

test('Cancel while the store is down: the abort is kept in localStorage across a reload, and the reloaded page aborts the upload once the store is back', async ({ page, faulty, bucket }) => {
  test.setTimeout(180_000);
  const path = await testFile(200 * MB);
  const name = basename(path);
  const keptAborts = () => page.evaluate((key) => localStorage.getItem(key), PENDING_ABORTS_STORAGE_KEY);
  await page.goto(faulty.pageUrl);
  await throttleUpload(page, 20 * MiB);
  await chooseFile(page, path);
  await expect.poll(() => bucket.multipartUploads()).toHaveLength(1);
  const [upload] = await bucket.multipartUploads();
  if (upload === undefined) throw new Error('no multipart upload');
  await expect.poll(() => bucket.storedParts(upload), { timeout: 30_000 }).not.toEqual([]);
  await faulty.storeProxy.down();
  const card = fileCard(page, name);
  await expect(card.getByText('Storage unreachable, retrying')).toBeVisible({ timeout: 20_000 });
  const deletesBefore = faulty.apiProxy.log.filter((r) => r.method === 'DELETE').length;
  await card.getByRole('button', { name: 'Cancel' }).click();
  await expect(card.getByText('Cancelled', { exact: true })).toBeVisible();
  await expect(card.getByText('Storage unreachable, retrying')).toHaveCount(0);
  // It does not claim the parts are gone: they are still on the store, and the page keeps trying to remove them.
  await expect(card.getByRole('status')).toHaveText(/^Removing its stored parts from the storage\. If the storage does not answer, this page keeps trying/);
  await expect(card.getByRole('progressbar', { name: `Part 1 of ${Math.ceil((200 * MB) / (8 * MiB))}` })).toBeVisible();
  await card.screenshot({ path: test.info().outputPath('cancelled-while-store-down.png') });
  // The abort was tried (the server could not reach the store) and is kept for later.
  await expect.poll(() => faulty.apiProxy.log.filter((r) => r.method === 'DELETE').length).toBeGreaterThan(deletesBefore);
  await expect.poll(keptAborts).toContain(upload.uploadId);

  // In the order the browser reports them, so a retry the old page sent just before the reload does not count.
  const seen: ('navigated' | 'DELETE')[] = [];
  page.on('framenavigated', (frame) => frame === page.mainFrame() && seen.push('navigated'));
  page.on('request', (request) => request.method() === 'DELETE' && seen.push('DELETE'));
  // When the page's aborts got through: one sent just before the store comes back may be answered after it.
  const abortsAnswered: number[] = [];
  page.on('response', (response) => response.request().method() === 'DELETE' && response.ok() && abortsAnswered.push(Date.now()));
  await page.reload();
  await expect(page.getByRole('button', { name: 'Choose files' })).toBeVisible();
  // The reloaded page tries the kept abort on its own, while the store is still down.
  await expect.poll(() => seen.slice(seen.lastIndexOf('navigated')).includes('DELETE'), { timeout: 15_000 }).toBe(true);
  expect(JSON.parse((await keptAborts()) ?? '[]')).toEqual([expect.objectContaining({ uploadId: upload.uploadId, key: upload.key })]);
  expect(await bucket.multipartUploads()).toEqual([upload]);
  expect(await bucket.storedParts(upload)).not.toEqual([]);

  expect(abortsAnswered).toEqual([]);
  const storeBackAt = Date.now();
  await faulty.storeProxy.up();
  // Retries back off to 16 s (±20 %) between attempts: the store empties within about 20 s of coming back.
  await expect.poll(() => bucket.multipartUploads(), { timeout: 60_000, intervals: [1000] }).toEqual([]);
  await expect(bucket.storedParts(upload)).rejects.toThrow(/NoSuchUpload|does not exist/i);
  await expect.poll(keptAborts, { timeout: 10_000 }).toBeNull();
  expect(await bucket.objectKeys()).toEqual([]);
  // The page's own abort did it, once the store was back.
  expect(abortsAnswered.length).toBeGreaterThan(0);
  expect(abortsAnswered.every((at) => at >= storeBackAt)).toBe(true);
});

test.describe('twenty uploads with 10 % of part PUTs faulted', () => {
  test.use({ serverEnv: { PART_IDLE_TIMEOUT: '5s' } });

  test('every upload from 0 B to 300 MB completes with its exact bytes, and no multipart upload is left', async ({ page, faulty, bucket }) => {
    test.setTimeout(420_000);
    const sizes = [0, 1, 1000, 5 * MiB - 1, 5 * MiB, 8 * MiB, 8 * MiB + 1, 10 * MB, 16 * MiB, 20 * MB, 25 * MB, 30 * MB, 40 * MB, 50 * MB, 64 * MiB, 80 * MB, 100 * MB, 150 * MB, 200 * MB, 300 * MB];
    const paths = await Promise.all(sizes.map((size, i) => testFile(size, `faulted-${i}-${size}.bin`)));
    const kinds: Fault[] = [internalError, slowDown, resetMidBody, stall, dropEtag, flipByte];
    faulty.storeProxy.addRule({ match: { method: 'PUT', partNumber: () => true }, rate: 0.1, fault: (_seen, random) => kinds[Math.floor(random() * kinds.length)] });
    await page.goto(faulty.pageUrl);
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Choose files' }).click();
    await (await chooser).setFiles(paths);
    for (const path of paths) {
      await expect(fileCard(page, basename(path)).getByText('Done', { exact: true })).toBeVisible({ timeout: 360_000 });
    }
    for (const path of paths) await expectStoredIntact(page, bucket, basename(path), await sha256OfFile(path));
    const faulted = faulty.storeProxy.log.filter((r) => r.fault !== null);
    const partPuts = faulty.storeProxy.log.filter((r) => r.method === 'PUT' && r.partNumber !== null);
    const byKind = new Map<string, number>();
    for (const r of faulted) byKind.set(r.fault ?? '', (byKind.get(r.fault ?? '') ?? 0) + 1);
    console.log(`part PUTs ${partPuts.length}, faulted ${faulted.length}: ${JSON.stringify(Object.fromEntries(byKind))}`);
    expect(faulted.length).toBeGreaterThanOrEqual(10);
    expect(new Set(faulted.map((r) => r.fault)).size).toBeGreaterThanOrEqual(5);
  });
});
