/**
 * What a zero-config store exposes: random keys kept in its data folder (no
 * published key signs anything), loopback only, no cross-site POST, bodies
 * that stall are cut off, and a cap on connections.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateMultipartUploadCommand, HeadObjectCommand, ListMultipartUploadsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterEach, describe, expect, it } from 'vitest';
import { rawExchange } from '../testing/raw-http.js';
import { sendSigned } from '../testing/signed-request.js';
import { readLocalS3Credentials } from './index.js';
import { startTestStore } from './test-support.js';
import type { TestStore } from './test-support.js';

const Bucket = 'uploads';
const APP = 'http://localhost:3000';
let t: TestStore | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

describe('keys', () => {
  it('makes random keys on first start, keeps them in dataDir (0600) and across restarts', async () => {
    t = await startTestStore();
    const { accessKeyId, secretAccessKey } = t.s3;
    expect(accessKeyId).toMatch(/^[A-Z0-9]{20}$/);
    expect(secretAccessKey).toHaveLength(40);
    expect(accessKeyId).not.toBe('local-access-key');
    expect(await readLocalS3Credentials(t.dataDir)).toEqual({ accessKeyId, secretAccessKey });
    expect((await stat(join(t.dataDir, 'credentials.json'))).mode & 0o777).toBe(0o600);
    await t.restart();
    expect(t.s3).toMatchObject({ accessKeyId, secretAccessKey });
    const other = await startTestStore();
    try {
      expect(other.s3.accessKeyId).not.toBe(accessKeyId);
      expect(other.s3.secretAccessKey).not.toBe(secretAccessKey);
    } finally {
      await other.stop();
    }
  });

  it('refuses a request signed with the keys it used to publish (403 InvalidAccessKeyId), creating nothing', async () => {
    t = await startTestStore();
    const published = { ...t.s3, accessKeyId: 'local-access-key', secretAccessKey: 'local-secret-key' };
    const response = await sendSigned(published, { method: 'POST', path: `/${Bucket}/x`, query: { uploads: '' } });
    expect(response.status).toBe(403);
    expect(response.text).toContain('<Code>InvalidAccessKeyId</Code>');
    expect((await t.client.send(new ListMultipartUploadsCommand({ Bucket }))).Uploads ?? []).toEqual([]);
  });

  it('listens on loopback only by default', async () => {
    t = await startTestStore();
    expect(new URL(t.s3.endpoint).hostname).toBe('127.0.0.1');
  });
});

describe('cross-site POST', () => {
  it('refuses a simple POST from an origin the bucket CORS does not allow, even correctly signed (403), creating nothing', async () => {
    const store = await startTestStore({ corsOrigins: [APP] });
    t = store;
    const create = (origin: string) =>
      sendSigned(store.s3, { method: 'POST', path: `/${Bucket}/x`, query: { uploads: '' }, headers: { origin, 'content-type': 'text/plain' } });
    const foreign = await create('https://evil.example');
    expect(foreign.status).toBe(403);
    expect(foreign.text).toContain('<Code>AccessForbidden</Code>');
    expect((await t.client.send(new ListMultipartUploadsCommand({ Bucket }))).Uploads ?? []).toEqual([]);
    expect((await create(APP)).status).toBe(200);
    expect((await t.client.send(new ListMultipartUploadsCommand({ Bucket }))).Uploads).toHaveLength(1);
  });

  it('lets POSTs without an Origin (servers, the SDK) through', async () => {
    t = await startTestStore({ corsOrigins: [APP] });
    await t.client.send(new CreateMultipartUploadCommand({ Bucket, Key: 'server' }));
  });
});

describe('slow bodies', () => {
  async function rawPut(store: TestStore, Key: string, length: number): Promise<string> {
    const url = new URL(await getSignedUrl(store.client, new PutObjectCommand({ Bucket, Key, ContentLength: length }), { expiresIn: 60 }));
    return `PUT ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Length: ${length}\r\n\r\n`;
  }

  it('answers a body that stops arriving with 400 RequestTimeout, closes, and stores nothing', async () => {
    t = await startTestStore({ bodyIdleTimeoutMs: 300 });
    const exchange = await rawExchange(t.s3.endpoint, `${await rawPut(t, 'stalled', 100)}0123456789`, { timeoutMs: 5000, awaitClose: true });
    expect(exchange.responses[0]?.status).toBe(400);
    expect(exchange.responses[0]?.body).toContain('<Code>RequestTimeout</Code>');
    expect(exchange.closed).toBe(true);
    await expect(t.client.send(new HeadObjectCommand({ Bucket, Key: 'stalled' }))).rejects.toMatchObject({ name: 'NotFound' });
  });

  it('cuts off a body trickling a byte at a time slower than the idle timeout', async () => {
    t = await startTestStore({ bodyIdleTimeoutMs: 300 });
    const exchange = await rawExchange(t.s3.endpoint, await rawPut(t, 'trickle', 100), { trickle: ['a', 'b', 'c', 'd'], gapMs: 600, timeoutMs: 5000, awaitClose: true });
    expect(exchange.responses[0]?.status).toBe(400);
    expect(exchange.responses[0]?.body).toContain('<Code>RequestTimeout</Code>');
  });

  it('lets a slow but steady body finish', async () => {
    t = await startTestStore({ bodyIdleTimeoutMs: 500 });
    const exchange = await rawExchange(t.s3.endpoint, await rawPut(t, 'steady', 4), { trickle: ['a', 'b', 'c', 'd'], gapMs: 100, timeoutMs: 5000 });
    expect(exchange.responses[0]?.status).toBe(200);
  });
});

describe('connection cap', () => {
  it('closes connections beyond maxConnections at once; those within keep working', async () => {
    const store = await startTestStore({ maxConnections: 2 });
    t = store;
    const head = `HEAD /${Bucket} HTTP/1.1\r\nHost: x\r\n\r\n`;
    // Two connections that hold their slot by sending half a request.
    const holders = [0, 1].map(() => rawExchange(store.s3.endpoint, 'GET / HTTP/1.1\r\n', { timeoutMs: 1500 }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const third = await rawExchange(t.s3.endpoint, head, { timeoutMs: 1000 });
    expect(third.responses).toEqual([]);
    expect(third.closed).toBe(true);
    await Promise.all(holders);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Slots free again: a request gets its (403, unsigned) answer.
    const after = await rawExchange(t.s3.endpoint, head, { timeoutMs: 2000 });
    expect(after.responses[0]?.status).toBe(403);
  });
});
