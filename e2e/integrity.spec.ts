/**
 * End to end through the real UI: a byte flipped in a part's body on the way to
 * the store (a fault proxy between the browser and the store) is refused by the
 * store with 400 BadDigest, because the part URL is signed with the part's
 * Content-MD5; the engine sends the part again and the object is stored intact.
 * On the embedded store always, on Ceph RGW when it is up (always in CI).
 */
import { basename } from 'node:path';
import type { Page } from '@playwright/test';
import { chooseFile, expectStoredIntact, fileCard } from './fixtures.js';
import { expect, test } from './fault-fixtures.js';
import { openBucket } from '../testing/bucket.js';
import { flipByte } from '../testing/fault-proxy.js';
import type { FaultProxy } from '../testing/fault-proxy.js';
import { startFaultyApp } from '../testing/faulty-app.js';
import type { FaultyApp } from '../testing/faulty-app.js';
import { sha256OfFile, testFile } from '../testing/test-file.js';
import { readRgwConnection, startRgwBackend } from '@s3-big-upload/local-s3/testing';

const MB = 1000 * 1000;
const MiB = 1024 * 1024;
/** 4 parts of 8 MiB: three full ones and a short last one (~4.8 MB). */
const FILE_SIZE = 30 * MB;
const FLIPPED_PARTS = [1, 2, 4];

interface PartAnswer {
  partNumber: number;
  status: number;
  body: string;
}

/** Every part PUT's answer as the page got it. */
function recordPartAnswers(page: Page): PartAnswer[] {
  const answers: PartAnswer[] = [];
  page.on('response', async (response) => {
    const request = response.request();
    const partNumber = new URL(request.url()).searchParams.get('partNumber');
    if (request.method() !== 'PUT' || partNumber === null) return;
    answers.push({ partNumber: Number(partNumber), status: response.status(), body: response.status() >= 400 ? await response.text().catch(() => '') : '' });
  });
  return answers;
}

/** The first attempt of the first, a middle and the short last part each get one byte flipped (length unchanged). */
function flipFirstAttempts(proxy: FaultProxy) {
  return FLIPPED_PARTS.map((partNumber) => proxy.addRule({ match: { method: 'PUT', partNumber, attempt: 1 }, fault: flipByte }));
}

async function uploadThroughFlips(page: Page, faulty: FaultyApp) {
  const path = await testFile(FILE_SIZE);
  const rules = flipFirstAttempts(faulty.storeProxy);
  const answers = recordPartAnswers(page);
  await page.goto(faulty.pageUrl);
  await chooseFile(page, path);
  const bucket = openBucket(faulty.app);
  try {
    await expectStoredIntact(page, bucket, basename(path), await sha256OfFile(path));
  } finally {
    bucket.close();
  }
  for (const rule of rules) expect(rule.hits).toBe(1);
  // The store refused each flipped body with BadDigest, and only those.
  const refused = answers.filter((a) => a.status !== 200);
  expect(refused.map((a) => a.partNumber).sort()).toEqual(FLIPPED_PARTS);
  for (const answer of refused) {
    expect(answer.status).toBe(400);
    expect(answer.body).toContain('BadDigest');
  }
  // Each flipped part was sent again (attempt 2) and stored; the others once.
  const puts = faulty.storeProxy.log.filter((r) => r.method === 'PUT' && r.partNumber !== null);
  expect(puts.filter((r) => r.attempt === 2).map((r) => r.partNumber).sort()).toEqual(FLIPPED_PARTS);
  expect(puts.filter((r) => r.partNumber === 4).every((r) => r.contentLength === FILE_SIZE - 3 * 8 * MiB)).toBe(true);
}

test('a byte flipped on the way in the first, a middle and the short last part is refused with BadDigest, re-sent, and the object is intact', async ({ page, faulty }) => {
  await uploadThroughFlips(page, faulty);
});

test.describe('with CHECKSUM_MODE=off (the cost of turning it off)', () => {
  test.use({ serverEnv: { CHECKSUM_MODE: 'off' } });

  test('the same flipped byte is stored unnoticed: the proxy really corrupts, and only the checksums catch it', async ({ page, faulty, bucket }) => {
    const path = await testFile(FILE_SIZE);
    faulty.storeProxy.addRule({ match: { method: 'PUT', partNumber: 2, attempt: 1 }, fault: flipByte });
    await page.goto(faulty.pageUrl);
    await chooseFile(page, path);
    const card = fileCard(page, basename(path));
    await expect(card.getByText('Done', { exact: true })).toBeVisible({ timeout: 120_000 });
    const key = (await card.locator('code').first().textContent()) ?? '';
    expect(await bucket.sha256(key)).not.toBe(await sha256OfFile(path));
  });
});

const rgw = readRgwConnection();
if (rgw !== undefined || process.env.REQUIRE_RGW === '1') {
  test('on Ceph RGW: the flipped parts are refused with BadDigest, re-sent, and the object is intact', async ({ page }) => {
    if (rgw === undefined) throw new Error('REQUIRE_RGW=1 but .data/rgw/connection.json is missing; run scripts/rgw.sh up');
    const backend = await startRgwBackend(rgw, ['*']);
    const { endpoint, region, accessKeyId, secretAccessKey, bucket } = backend;
    const faulty = await startFaultyApp({}, { store: { endpoint, region, accessKeyId, secretAccessKey, bucket } });
    try {
      await uploadThroughFlips(page, faulty);
    } finally {
      await faulty.stop();
      await backend.close();
    }
  });
}
