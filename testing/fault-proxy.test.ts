import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestClient, startLocalBackend } from '@s3-big-upload/local-s3/testing';
import { dropEtag, flipByte, internalError, resetMidBody, slowDown, stall, startFaultProxy } from './fault-proxy.js';
import type { FaultProxy } from './fault-proxy.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** An upstream that records each request and answers 200 with ETag = MD5 of the body. */
async function startEchoUpstream(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.writeHead(200, { etag: `"${createHash('md5').update(body).digest('hex')}"`, 'content-type': 'text/plain' });
      res.end('stored');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const body = (size: number) => Buffer.from(Array.from({ length: size }, (_, i) => i % 251));
const putPart = (proxy: FaultProxy, partNumber: number, bytes = body(1000), init: RequestInit = {}) =>
  fetch(`${proxy.url}/bucket/key?partNumber=${partNumber}&uploadId=u1`, { method: 'PUT', body: bytes, ...init });

describe('fault proxy', () => {
  let upstream: Awaited<ReturnType<typeof startEchoUpstream>>;
  let proxy: FaultProxy;

  beforeEach(async () => {
    upstream = await startEchoUpstream();
    proxy = await startFaultProxy({ upstream: upstream.url, seed: 7 });
  });
  afterEach(async () => {
    await proxy.close();
    await upstream.close();
  });

  it('forwards untouched with the Host the client used, and counts attempts per part', async () => {
    const first = await putPart(proxy, 1);
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).toBe(`"${createHash('md5').update(body(1000)).digest('hex')}"`);
    await putPart(proxy, 1);
    await putPart(proxy, 2);
    expect(upstream.received.map((r) => r.headers.host)).toEqual([new URL(proxy.url).host, new URL(proxy.url).host, new URL(proxy.url).host]);
    expect(upstream.received[0]?.body.equals(body(1000))).toBe(true);
    expect(proxy.log.map((r) => [r.partNumber, r.attempt, r.uploadId, r.contentLength, r.fault])).toEqual([
      [1, 1, 'u1', 1000, null],
      [1, 2, 'u1', 1000, null],
      [2, 1, 'u1', 1000, null],
    ]);
  });

  it('answers 503 SlowDown and 500 as S3 error documents with CORS headers, only where the rule matches', async () => {
    proxy.addRule({ match: { method: 'PUT', partNumber: 2, attempt: 1 }, fault: slowDown });
    const rule = proxy.addRule({ match: { partNumber: 3 }, fault: internalError, times: 1 });
    expect((await putPart(proxy, 1)).status).toBe(200);
    const refused = await putPart(proxy, 2, body(10), { headers: { origin: 'http://app.test' } });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('access-control-allow-origin')).toBe('http://app.test');
    expect(await refused.text()).toContain('<Code>SlowDown</Code>');
    expect((await putPart(proxy, 2)).status).toBe(200); // attempt 2 passes
    expect((await putPart(proxy, 3)).status).toBe(500);
    expect((await putPart(proxy, 3)).status).toBe(200); // times: 1
    expect(rule.hits).toBe(1);
    expect(upstream.received.map((r) => new URL(r.url, 'http://x').searchParams.get('partNumber'))).toEqual(['1', '2', '3']);
  });

  it('resets the connection mid-body; nothing reaches the upstream', async () => {
    proxy.addRule({ match: { partNumber: 1 }, fault: resetMidBody });
    const error = await putPart(proxy, 1, body(4 * 1024 * 1024)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError); // fetch failed
    expect(upstream.received).toHaveLength(0);
    expect(proxy.log[0]?.fault).toBe('reset');
  });

  it('holds a stalled request with no answer until the client gives up', async () => {
    proxy.addRule({ match: { partNumber: 1 }, fault: stall });
    const controller = new AbortController();
    let settled = false;
    const pending = putPart(proxy, 1, body(1000), { signal: controller.signal }).finally(() => (settled = true));
    await proxy.waitForRequest({ partNumber: 1 }, { includePast: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(settled).toBe(false);
    controller.abort();
    await expect(pending).rejects.toThrow();
    expect(upstream.received).toHaveLength(0);
  });

  it('drops the ETag from an answer the upstream gave', async () => {
    proxy.addRule({ match: { partNumber: 1, attempt: 1 }, fault: dropEtag });
    const answer = await putPart(proxy, 1);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('etag')).toBeNull();
    expect(upstream.received).toHaveLength(1); // it was stored
    expect((await putPart(proxy, 1)).headers.get('etag')).not.toBeNull();
  });

  it('flips exactly one byte of the body, keeping its length', async () => {
    proxy.addRule({ match: { partNumber: 1 }, fault: flipByte });
    const sent = body(3 * 1024 * 1024 + 17);
    expect((await putPart(proxy, 1, sent)).status).toBe(200);
    const got = upstream.received[0]?.body ?? Buffer.alloc(0);
    expect(got.length).toBe(sent.length);
    const differing: number[] = [];
    for (let i = 0; i < got.length; i += 1) if (got[i] !== sent[i]) differing.push(i);
    expect(differing).toEqual([Math.floor(sent.length / 2)]);
  });

  it('refuses connections while down and serves again once up; an outage fault comes back by itself', async () => {
    await proxy.down();
    const refused = await putPart(proxy, 1).catch((e: unknown) => e);
    expect((refused as { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
    await proxy.up();
    expect((await putPart(proxy, 1)).status).toBe(200);

    proxy.addRule({ match: { partNumber: 9 }, fault: { kind: 'outage', ms: 300 }, times: 1 });
    await expect(putPart(proxy, 9)).rejects.toThrow();
    await expect.poll(() => proxy.isUp).toBe(false);
    expect(((await putPart(proxy, 1).catch((e: unknown) => e)) as { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
    await expect.poll(() => proxy.isUp, { timeout: 3_000 }).toBe(true);
    expect((await putPart(proxy, 9)).status).toBe(200);
  });

  it('hits a seeded share of requests, the same ones on every run with the same seed', async () => {
    const hitsWith = async (seed: number) => {
      const p = await startFaultProxy({ upstream: upstream.url, seed });
      p.addRule({ match: { method: 'PUT' }, rate: 0.1, fault: (_seen, random) => (random() < 0.5 ? internalError : slowDown) });
      const statuses: number[] = [];
      for (let n = 1; n <= 100; n += 1) statuses.push((await putPart(p, n, body(10))).status);
      await p.close();
      return statuses;
    };
    const first = await hitsWith(42);
    const hit = first.filter((s) => s !== 200);
    expect(hit.length).toBeGreaterThan(2);
    expect(hit.length).toBeLessThan(25);
    expect(new Set(hit)).toEqual(new Set([500, 503]));
    expect(await hitsWith(42)).toEqual(first);
  });
});

describe('fault proxy in front of the embedded store', () => {
  it('keeps SigV4 valid (signed for the proxy host), and a flipped byte in a presigned PUT is stored as sent', async () => {
    const store = await startLocalBackend(undefined);
    const proxy = await startFaultProxy({ upstream: store.endpoint });
    const s3 = createTestClient({ ...store, endpoint: proxy.url });
    try {
      const bytes = body(100_000);
      await s3.send(new PutObjectCommand({ Bucket: store.bucket, Key: 'signed.bin', Body: bytes }));
      proxy.addRule({ match: { method: 'PUT', path: `/${store.bucket}/flipped.bin` }, fault: flipByte });
      const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: store.bucket, Key: 'flipped.bin' }), { expiresIn: 60 });
      expect(new URL(url).host).toBe(new URL(proxy.url).host);
      expect((await fetch(url, { method: 'PUT', body: bytes })).status).toBe(200);

      const read = async (key: string) =>
        Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: store.bucket, Key: key }))).Body!.transformToByteArray());
      expect((await read('signed.bin')).equals(bytes)).toBe(true);
      const flipped = await read('flipped.bin');
      expect(flipped.length).toBe(bytes.length);
      expect(flipped.equals(bytes)).toBe(false); // the store cannot tell: nothing signs the payload
    } finally {
      s3.destroy();
      await proxy.close();
      await store.close();
    }
  });
});
