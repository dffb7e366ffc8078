/**
 * One person drops 1,000 small files with the default settings (rate limits,
 * open-upload cap): every file completes, byte for byte, and nothing is left
 * unfinished on the store.
 */
import { expect, test } from './fixtures.js';

const FILES = 1000;

test('a 1,000-file drop with default settings completes every file', async ({ page, app, bucket }) => {
  test.setTimeout(600_000);
  const limited: string[] = [];
  page.on('response', (response) => {
    if (response.status() === 429 || response.status() === 409) limited.push(`${response.status()} ${response.url()}`);
  });
  await page.goto(app.url);
  const dropZone = page.getByRole('region', { name: 'Drop files here' });

  // 1,000 files of 1-4 KiB of random bytes, made in the page, and their SHA-256.
  const dataTransfer = await page.evaluateHandle((count) => {
    const transfer = new DataTransfer();
    for (let i = 0; i < count; i += 1) {
      const bytes = crypto.getRandomValues(new Uint8Array(1024 + ((i * 37) % 3072)));
      transfer.items.add(new File([bytes], `file-${String(i).padStart(4, '0')}.bin`, { type: 'application/octet-stream' }));
    }
    return transfer;
  }, FILES);
  const expected = await page.evaluate(async (transfer) => {
    const hashes: Record<string, string> = {};
    for (const file of transfer.files) {
      const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
      hashes[file.name] = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
    }
    return hashes;
  }, dataTransfer);

  await dropZone.dispatchEvent('dragenter', { dataTransfer });
  await dropZone.dispatchEvent('drop', { dataTransfer });

  const summary = page.locator('.upload-summary');
  await expect(summary).toHaveText(`${FILES} files`, { timeout: 540_000 });
  await expect(page.locator('article.file-card[data-status="done"]')).toHaveCount(FILES);
  expect(limited).toEqual([]);

  expect(await bucket.multipartUploads()).toEqual([]);
  const keys = await bucket.objectKeys();
  expect(keys).toHaveLength(FILES);
  const stored: Record<string, string> = {};
  for (const key of keys) stored[key.slice(key.lastIndexOf('/') + 1)] = await bucket.sha256(key);
  expect(stored).toEqual(expected);
});
