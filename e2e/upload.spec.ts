import { basename } from 'node:path';
import { chooseFile, expect, expectStoredIntact, fileCard, partBars, test, throttleUpload, trackPartPuts } from './fixtures.js';
import { installCancelProbe, putsSentAfterCancel, readCancelProbe } from '../testing/cancel-probe.js';
import { sha256OfFile, testFile } from '../testing/test-file.js';

const MiB = 1024 * 1024;

test('a dropped file uploads in parts and its bytes arrive intact', async ({ page, app, bucket }) => {
  await page.goto(app.url);
  const dropZone = page.getByRole('region', { name: 'Drop files here' });
  await expect(dropZone).toBeVisible();

  // A 21 MiB file made in the page (3 parts of 8 MiB), handed over the way a drag from the desktop does.
  const dataTransfer = await page.evaluateHandle(() => {
    const bytes = new Uint8Array(21 * 1024 * 1024);
    for (let offset = 0; offset < bytes.length; offset += 65_536) crypto.getRandomValues(bytes.subarray(offset, offset + 65_536));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], 'dropped video.bin', { type: 'application/octet-stream' }));
    return transfer;
  });
  const expectedSha256 = await page.evaluate(async (transfer) => {
    const digest = await crypto.subtle.digest('SHA-256', await transfer.files[0]!.arrayBuffer());
    return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  }, dataTransfer);

  await dropZone.dispatchEvent('dragenter', { dataTransfer });
  await expect(page.getByText('Drop files to upload')).toBeVisible();
  await dropZone.dispatchEvent('dragover', { dataTransfer });
  await dropZone.dispatchEvent('drop', { dataTransfer });

  const card = fileCard(page, 'dropped video.bin');
  await expect(card.getByText('Done', { exact: true })).toBeVisible();
  await expect(partBars(page)).toHaveCount(3);
  await expect(page.getByRole('progressbar', { name: 'Part 3 of 3' })).toHaveAttribute('aria-valuenow', String(5 * MiB));

  const key = (await card.locator('code').first().textContent()) ?? '';
  expect(key).toMatch(/^uploads\/[0-9a-f-]{36}\/dropped video\.bin$/);
  expect(await bucket.sha256(key)).toBe(expectedSha256);
  expect(await bucket.multipartUploads()).toEqual([]);
  await expect(card.getByRole('link', { name: 'Download' })).toHaveAttribute('href', /X-Amz-Signature=/);
});

test('a chosen 200 MB file shows moving part bars and is stored byte for byte', async ({ page, app, bucket }) => {
  const path = await testFile(200 * 1000 * 1000);
  await page.goto(app.url);
  await throttleUpload(page, 80 * MiB); // a few seconds, so the bars can be seen moving

  await chooseFile(page, path);
  const card = fileCard(page, basename(path));
  await expect(partBars(page)).toHaveCount(24);
  await expect(page.getByRole('progressbar', { name: 'Part 1 of 24' })).toBeVisible();

  // Bars move: some part is part-way through while the file is still uploading.
  await page.waitForFunction(() =>
    [...document.querySelectorAll('[role="progressbar"][aria-label^="Part "]')].some((bar) => {
      const now = Number(bar.getAttribute('aria-valuenow'));
      return now > 0 && now < Number(bar.getAttribute('aria-valuemax'));
    }),
  );
  await expect(card.getByText('Uploading', { exact: true })).toBeVisible();

  await expectStoredIntact(page, bucket, basename(path), await sha256OfFile(path));
});

test('cancel mid-flight stops every request and leaves nothing in the bucket', async ({ page, app, bucket }) => {
  const path = await testFile(200 * 1000 * 1000);
  await installCancelProbe(page);
  await page.goto(app.url);
  await throttleUpload(page, 20 * MiB);

  const { inFlight } = trackPartPuts(page);

  await chooseFile(page, path);
  const card = fileCard(page, basename(path));
  await expect(page.getByRole('progressbar', { name: 'Part 1 of 24' })).toHaveAttribute('aria-valuenow', String(8 * MiB));
  await expect.poll(() => bucket.multipartUploads()).toHaveLength(1);
  expect(inFlight.size).toBeGreaterThan(0);

  await card.getByRole('button', { name: 'Cancel' }).click();
  await expect(card.getByText('Cancelled', { exact: true })).toBeVisible();
  await expect.poll(() => inFlight.size, { timeout: 5_000 }).toBe(0);
  const probe = await readCancelProbe(page);
  expect(probe.clickAt).not.toBeNull();
  expect(probe.putSends.length).toBeGreaterThan(0);
  expect(putsSentAfterCancel(probe)).toBe(0);
  await expect.poll(() => bucket.multipartUploads(), { timeout: 10_000 }).toEqual([]);
  expect(await bucket.objectKeys()).toEqual([]);
  // The card says so once the abort has answered, and no longer shows parts the store let go of.
  await expect(card.getByRole('status')).toHaveText('Its stored parts were removed from the storage: nothing is left behind.');
  await expect(card.getByRole('progressbar', { name: /^Part / })).toHaveCount(0);
});

test('pause keeps the stored parts, and resume sends only the rest', async ({ page, app, bucket }) => {
  const path = await testFile(200 * 1000 * 1000);
  await page.goto(app.url);
  const cdp = await throttleUpload(page, 20 * MiB);
  const { inFlight, sent: partsSent } = trackPartPuts(page);

  await chooseFile(page, path);
  const card = fileCard(page, basename(path));
  // Pause once the store holds parts 1 and 2: a part whose bar is full may still be waiting for its answer, and Pause stops it.
  await expect
    .poll(async () => {
      const [open] = await bucket.multipartUploads();
      return open === undefined ? [] : bucket.storedParts(open);
    }, { timeout: 30_000, intervals: [100] })
    .toEqual(expect.arrayContaining([1, 2]));
  await card.getByRole('button', { name: 'Pause' }).click();
  await expect(card.getByText('Paused', { exact: true })).toBeVisible();
  await expect.poll(() => inFlight.size, { timeout: 5_000 }).toBe(0);

  const [upload] = await bucket.multipartUploads();
  expect(upload).toBeDefined();
  const stored = await bucket.storedParts(upload!);
  expect(stored).toEqual(expect.arrayContaining([1, 2]));
  expect(stored.length).toBeLessThan(24);

  partsSent.length = 0;
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await card.getByRole('button', { name: 'Resume' }).click();
  expect(await expectStoredIntact(page, bucket, basename(path), await sha256OfFile(path))).toBe(upload!.key);
  expect(partsSent.filter((n) => stored.includes(n))).toEqual([]);
  expect(new Set([...stored, ...partsSent]).size).toBe(24);
});

test('restarting the server mid-upload does not stop the upload from completing', async ({ page, app, bucket }) => {
  const path = await testFile(200 * 1000 * 1000);
  await page.goto(app.url);
  await throttleUpload(page, 40 * MiB);

  await chooseFile(page, path);
  await expect(page.getByRole('progressbar', { name: 'Part 2 of 24' })).toHaveAttribute('aria-valuenow', String(8 * MiB));

  await app.restart(); // kills the API and the embedded store at once, mid-part

  await expectStoredIntact(page, bucket, basename(path), await sha256OfFile(path));
});

test('leaving the page mid-upload asks first, and staying keeps the upload going', async ({ page, app, bucket }) => {
  const path = await testFile(200 * 1000 * 1000);
  await page.goto(app.url);
  await throttleUpload(page, 20 * MiB);
  await chooseFile(page, path);
  const card = fileCard(page, basename(path));
  await expect(card.getByText('Uploading', { exact: true })).toBeVisible();

  const dialog = page.waitForEvent('dialog');
  const leaving = page.goto('about:blank').catch(() => 'stayed');
  const asked = await dialog;
  expect(asked.type()).toBe('beforeunload');
  await asked.dismiss();
  expect(await leaving).toBe('stayed');

  await expect(page.getByRole('progressbar', { name: 'Part 2 of 24' })).toHaveAttribute('aria-valuenow', String(8 * MiB));
  await card.getByRole('button', { name: 'Cancel' }).click();
  await expect.poll(() => bucket.multipartUploads(), { timeout: 10_000 }).toEqual([]);
});

test.describe('with a 1 MiB file size limit', () => {
  test.use({ serverEnv: { MAX_FILE_SIZE: '1MiB' } });

  test('a file over the limit is refused with a sentence a person understands', async ({ page, app, bucket }) => {
    const path = await testFile(2 * MiB);
    await page.goto(app.url);
    await chooseFile(page, path);
    const card = fileCard(page, basename(path));
    await expect(card.getByRole('alert')).toContainText(/too large|larger than/i);
    await expect(card.getByRole('alert')).not.toContainText(/Error:|at .*\(/);
    expect(await bucket.multipartUploads()).toEqual([]);
  });
});
