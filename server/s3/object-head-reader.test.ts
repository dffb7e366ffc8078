import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeleteObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { startBackends } from '@s3-big-upload/local-s3/testing';
import { createS3Client } from './client.js';
import { ObjectHeadReader, StoreStatusError } from './object-head-reader.js';
import { UrlSigner } from './url-signer.js';

const backends = await startBackends();
afterAll(() => Promise.all(backends.map((b) => b.close())));

function readerFor(options: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string; bucket: string }, retryDelaysMs?: number[]) {
  const client = createS3Client(options);
  const reader = new ObjectHeadReader({ client, signer: new UrlSigner({ client, bucket: options.bucket }), ...(retryDelaysMs && { retryDelaysMs }) });
  return { client, reader };
}

describe.each(backends)('ObjectHeadReader on $name', (backend) => {
  it("answers what the SDK's HeadObject answers: the ETag as sent, the size, no encryption", async () => {
    const { client, reader } = readerFor(backend);
    const key = "heads/ünïcødé — 文件 (1) !'*+ ~.bin";
    await client.send(new PutObjectCommand({ Bucket: backend.bucket, Key: key, Body: 'some stored bytes' }));
    try {
      const sdk = await client.send(new HeadObjectCommand({ Bucket: backend.bucket, Key: key }));
      const head = await reader.head(key);
      expect(head).toEqual({ etag: sdk.ETag, size: 17, serverSideEncryption: undefined, sseCustomerAlgorithm: undefined });
      expect(head.etag).toMatch(/^"[0-9a-f]{32}"$/);
    } finally {
      await client.send(new DeleteObjectCommand({ Bucket: backend.bucket, Key: key }));
      client.destroy();
    }
  });

  it('answers a missing object with a 404 StoreStatusError, not retried', async () => {
    const { client, reader } = readerFor(backend);
    try {
      const error = await reader.head('heads/never-stored.bin').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreStatusError);
      expect((error as StoreStatusError).$metadata.httpStatusCode).toBe(404);
    } finally {
      client.destroy();
    }
  });

  it('is refused with 403 under the wrong secret (the request is really signed)', async () => {
    const { client, reader } = readerFor({ ...backend, secretAccessKey: 'not-the-secret-key-at-all' });
    try {
      const error = await reader.head('heads/any.bin').catch((e: unknown) => e);
      expect((error as StoreStatusError).$metadata.httpStatusCode).toBe(403);
    } finally {
      client.destroy();
    }
  });
});

describe('ObjectHeadReader retries what can succeed on retry', () => {
  /** A store stand-in over real HTTP that answers HEADs with the given statuses in turn, then 200. */
  async function storeAnswering(statuses: number[]) {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url?.split('?')[0]}`);
      const status = statuses.shift() ?? 200;
      res.writeHead(status, status === 200 ? { etag: '"abc"', 'content-length': '42', 'x-amz-server-side-encryption': 'aws:kms' } : {});
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const { client, reader } = readerFor({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', accessKeyId: 'AK', secretAccessKey: 'secret', bucket: 'b' }, [0, 0]);
    return {
      seen,
      reader,
      close: () => {
        client.destroy();
        return new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  }

  it('retries 503 and 500, then answers the head', async () => {
    const store = await storeAnswering([503, 500]);
    try {
      expect(await store.reader.head('a/b.bin')).toEqual({ etag: '"abc"', size: 42, serverSideEncryption: 'aws:kms', sseCustomerAlgorithm: undefined });
      expect(store.seen).toEqual(['HEAD /b/a/b.bin', 'HEAD /b/a/b.bin', 'HEAD /b/a/b.bin']);
    } finally {
      await store.close();
    }
  });

  it('gives up after three attempts with the last status', async () => {
    const store = await storeAnswering([503, 503, 503, 503]);
    try {
      const error = await store.reader.head('a/b.bin').catch((e: unknown) => e);
      expect((error as StoreStatusError).$metadata.httpStatusCode).toBe(503);
      expect(store.seen).toHaveLength(3);
    } finally {
      await store.close();
    }
  });

  it('does not retry a 403', async () => {
    const store = await storeAnswering([403]);
    try {
      const error = await store.reader.head('a/b.bin').catch((e: unknown) => e);
      expect((error as StoreStatusError).$metadata.httpStatusCode).toBe(403);
      expect(store.seen).toHaveLength(1);
    } finally {
      await store.close();
    }
  });
});
