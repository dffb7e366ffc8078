import { basename } from 'node:path';
import { chooseFile, expectStoredIntact } from './fixtures.js';
import { expect, test } from './fault-fixtures.js';
import { internalError, slowDown } from '../testing/fault-proxy.js';
import { sha256OfFile, testFile } from '../testing/test-file.js';

const MB = 1000 * 1000;

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
