import { createHash } from 'node:crypto';
import { readdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3ServiceException,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStore } from './test-support.js';
import type { TestStore } from './test-support.js';
import { deriveSigningKey, formatAmzDate, hmacHex, canonicalRequest, stringToSign, sha256Hex, EMPTY_SHA256 } from './sigv4.js';

let t: TestStore;
const Bucket = 'uploads';

beforeAll(async () => {
  t = await startTestStore();
});
afterAll(() => t.stop());

async function errorOf(promise: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof S3ServiceException) return { name: error.name, status: error.$metadata.httpStatusCode };
    throw error;
  }
  return { name: 'no error', status: 200 };
}

async function read(Key: string): Promise<Buffer> {
  const got = await t.client.send(new GetObjectCommand({ Bucket, Key }));
  return Buffer.from(await got.Body!.transformToByteArray());
}

/** Every regular file under dir, as absolute paths. */
async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => resolve(e.parentPath, e.name));
}

describe('objects', () => {
  it('PutObject returns the quoted md5 ETag; Get and Head return bytes, type and ETag; Delete answers 204 even twice', async () => {
    const body = Buffer.from('hello object');
    const put = await t.client.send(new PutObjectCommand({ Bucket, Key: 'obj.txt', Body: body, ContentType: 'text/plain', Metadata: { owner: 'me' } }));
    const md5 = `"${createHash('md5').update(body).digest('hex')}"`;
    expect(put.ETag).toBe(md5);
    const head = await t.client.send(new HeadObjectCommand({ Bucket, Key: 'obj.txt' }));
    expect(head).toMatchObject({ ContentType: 'text/plain', ContentLength: body.length, ETag: md5, Metadata: { owner: 'me' } });
    expect(await read('obj.txt')).toEqual(body);
    for (let i = 0; i < 2; i++) {
      const del = await t.client.send(new DeleteObjectCommand({ Bucket, Key: 'obj.txt' }));
      expect(del.$metadata.httpStatusCode).toBe(204);
    }
    expect(await errorOf(t.client.send(new GetObjectCommand({ Bucket, Key: 'obj.txt' })))).toEqual({ name: 'NoSuchKey', status: 404 });
    expect(await errorOf(t.client.send(new HeadObjectCommand({ Bucket, Key: 'obj.txt' })))).toMatchObject({ status: 404 });
  });

  it('DeleteObjects removes the listed keys (missing ones count as deleted)', async () => {
    for (const Key of ['bulk/1', 'bulk/2']) await t.client.send(new PutObjectCommand({ Bucket, Key, Body: 'x' }));
    const result = await t.defaultClient.send(
      new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: 'bulk/1' }, { Key: 'bulk/2' }, { Key: 'bulk/missing' }] } }),
    );
    expect(result.Deleted?.map((d) => d.Key)).toEqual(['bulk/1', 'bulk/2', 'bulk/missing']);
    const { KeyCount } = await t.client.send(new ListObjectsV2Command({ Bucket, Prefix: 'bulk/' }));
    expect(KeyCount).toBe(0);
  });

  it('applies response-content-disposition and response-content-type from a presigned GET', async () => {
    await t.client.send(new PutObjectCommand({ Bucket, Key: 'download.bin', Body: 'data', ContentType: 'application/octet-stream' }));
    const url = await getSignedUrl(
      t.client,
      new GetObjectCommand({ Bucket, Key: 'download.bin', ResponseContentDisposition: 'attachment; filename="a b.bin"', ResponseContentType: 'text/plain' }),
      { expiresIn: 60 },
    );
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="a b.bin"');
    expect(response.headers.get('content-type')).toBe('text/plain');
  });

  it('NoSuchBucket for a missing bucket', async () => {
    expect(await errorOf(t.client.send(new GetObjectCommand({ Bucket: 'missing-bucket', Key: 'x' })))).toEqual({ name: 'NoSuchBucket', status: 404 });
  });

  it('serves Range requests with 206 and answers 416 when unsatisfiable', async () => {
    const body = Buffer.from('0123456789');
    await t.client.send(new PutObjectCommand({ Bucket, Key: 'range', Body: body }));
    const mid = await t.client.send(new GetObjectCommand({ Bucket, Key: 'range', Range: 'bytes=2-5' }));
    expect(mid.$metadata.httpStatusCode).toBe(206);
    expect(mid.ContentRange).toBe('bytes 2-5/10');
    expect(await mid.Body!.transformToString()).toBe('2345');
    const suffix = await t.client.send(new GetObjectCommand({ Bucket, Key: 'range', Range: 'bytes=-3' }));
    expect(await suffix.Body!.transformToString()).toBe('789');
    const open = await t.client.send(new GetObjectCommand({ Bucket, Key: 'range', Range: 'bytes=8-' }));
    expect(await open.Body!.transformToString()).toBe('89');
    expect(await errorOf(t.client.send(new GetObjectCommand({ Bucket, Key: 'range', Range: 'bytes=10-20' })))).toEqual({
      name: 'InvalidRange',
      status: 416,
    });
  });

  it('stores the exact bytes of a stream PutObject from a default SDK client (aws-chunked with a CRC32 trailer)', async () => {
    const seen: string[] = [];
    t.defaultClient.middlewareStack.add(
      (next) => async (args) => {
        seen.push((args.request as { headers: Record<string, string> }).headers['x-amz-content-sha256'] ?? '');
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'recordPayloadMode' },
    );
    const chunks = [Buffer.alloc(70_000, 'a'), Buffer.alloc(5, 'b'), Buffer.alloc(100_000, 'c')];
    const expected = Buffer.concat(chunks);
    await t.defaultClient.send(new PutObjectCommand({ Bucket, Key: 'chunked', Body: Readable.from(chunks), ContentLength: expected.length }));
    t.defaultClient.middlewareStack.remove('recordPayloadMode');
    expect(seen).toEqual(['STREAMING-UNSIGNED-PAYLOAD-TRAILER']);
    const stored = await read('chunked');
    expect(stored.length).toBe(expected.length);
    expect(stored.equals(expected)).toBe(true);
    const head = await t.client.send(new HeadObjectCommand({ Bucket, Key: 'chunked' }));
    expect(head.ContentEncoding).toBeUndefined();
  });

  it('decodes a STREAMING-AWS4-HMAC-SHA256-PAYLOAD body and verifies each chunk signature', async () => {
    const send = (tamper: boolean) => signedChunkedPut(t, 'signed-chunks', [Buffer.from('first chunk '), Buffer.from('second')], tamper);
    expect(await send(true)).toMatchObject({ status: 403 });
    expect(await errorOf(t.client.send(new GetObjectCommand({ Bucket, Key: 'signed-chunks' })))).toMatchObject({ name: 'NoSuchKey' });
    expect(await send(false)).toMatchObject({ status: 200 });
    expect((await read('signed-chunks')).toString()).toBe('first chunk second');
  });

  it('BadDigest when an x-amz-checksum-crc32 header does not match the body; nothing is stored', async () => {
    const response = await rawSigned(t, 'PUT', `/${Bucket}/crc`, 'hello', sha256Hex('hello'), { 'x-amz-checksum-crc32': 'AAAAAA==' });
    expect(response.status).toBe(400);
    expect(response.body).toContain('<Code>BadDigest</Code>');
    expect(await errorOf(t.client.send(new GetObjectCommand({ Bucket, Key: 'crc' })))).toMatchObject({ name: 'NoSuchKey' });
    const ok = await rawSigned(t, 'PUT', `/${Bucket}/crc`, 'hello', sha256Hex('hello'), { 'x-amz-checksum-crc32': 'NhCmhg==' });
    expect(ok.status).toBe(200);
  });

  it('rejects an unknown x-amz-content-sha256 with InvalidArgument', async () => {
    const response = await rawSigned(t, 'PUT', `/${Bucket}/bad-mode`, 'body', 'NOT-A-MODE');
    expect(response.status).toBe(400);
    expect(response.body).toContain('<Code>InvalidArgument</Code>');
  });

  it('answers malformed requests with S3 errors and keeps serving', async () => {
    const badUri = await fetch(`${t.s3.endpoint}/${Bucket}/%E0%A4%A`);
    expect(badUri.status).toBe(400);
    expect(await badUri.text()).toContain('<Code>InvalidURI</Code>');
    const badAuth = await fetch(`${t.s3.endpoint}/${Bucket}/x`, { headers: { Authorization: 'AWS4-HMAC-SHA256 garbage' } });
    expect(badAuth.status).toBe(400);
    expect(await badAuth.text()).toContain('<Code>AuthorizationHeaderMalformed</Code>');
    const v2 = await fetch(`${t.s3.endpoint}/${Bucket}/x`, { headers: { Authorization: 'AWS key:sig' } });
    expect(v2.status).toBe(400);
    const patch = await rawSigned(t, 'PATCH', `/${Bucket}/x`, '', EMPTY_SHA256);
    expect(patch.status).toBe(501);
    const garbage = await new Promise<string>((resolveReply) => {
      let reply = '';
      const url = new URL(t.s3.endpoint);
      const socket = connect(Number(url.port), url.hostname, () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      socket.on('data', (c: Buffer) => (reply += c.toString()));
      socket.on('close', () => resolveReply(reply));
    });
    expect(garbage).toMatch(/^HTTP\/1\.1 400/);
    expect((await t.client.send(new ListObjectsV2Command({ Bucket, MaxKeys: 1 }))).$metadata.httpStatusCode).toBe(200);
  });

  it('answers unknown operations with 501 NotImplemented', async () => {
    const response = await rawSigned(t, 'GET', `/${Bucket}/x?tagging=`, '', EMPTY_SHA256);
    expect(response.status).toBe(501);
    expect(response.body).toContain('<Code>NotImplemented</Code>');
  });
});

describe('key safety', () => {
  const keys = ['../escape.txt', 'a/../../b', '../../../../etc/passwd', '/leading', 'sp ace/ünï/日本', 'x'.repeat(1024), '%2e%2e/enc'];

  it('stores any valid key inside dataDir and reads it back', async () => {
    for (const [i, Key] of keys.entries()) {
      await t.client.send(new PutObjectCommand({ Bucket, Key, Body: `body ${i}` }));
    }
    for (const [i, Key] of keys.entries()) expect((await read(Key)).toString()).toBe(`body ${i}`);
    // Nothing beside dataDir, and inside it only the store's own layout (hashes, never key text).
    expect(await readdir(t.sandbox)).toEqual(['data']);
    const layout = /^(credentials\.json|buckets\/[a-z0-9.-]+\/(bucket\.json|objects\/[0-9a-f]{2}\/[0-9a-f]{64}(\.json|\.[0-9a-f-]{36}\.data))|uploads\/[\w-]+\/(upload\.json|\d+\.json|\d+\.[0-9a-f-]{36}\.data))$/;
    const files = (await allFiles(t.dataDir)).map((f) => relative(t.dataDir, f));
    expect(files.filter((f) => !layout.test(f))).toEqual([]);
    const { Contents = [] } = await t.client.send(new ListObjectsV2Command({ Bucket }));
    expect(Contents.map((c) => c.Key)).toEqual(expect.arrayContaining(keys));
  });

  it('KeyTooLongError for keys over 1024 bytes', async () => {
    expect(await errorOf(t.client.send(new PutObjectCommand({ Bucket, Key: 'y'.repeat(1025), Body: 'x' })))).toEqual({
      name: 'KeyTooLongError',
      status: 400,
    });
  });
});

describe('ListObjectsV2', () => {
  it('pages with max-keys and continuation-token and rolls up common prefixes', async () => {
    for (const Key of ['l/a', 'l/b/1', 'l/b/2', 'l/c', 'l/d/1']) await t.client.send(new PutObjectCommand({ Bucket, Key, Body: 'x' }));
    const items: string[] = [];
    let ContinuationToken: string | undefined;
    do {
      const page = await t.client.send(new ListObjectsV2Command({ Bucket, Prefix: 'l/', Delimiter: '/', MaxKeys: 2, ContinuationToken }));
      items.push(...(page.Contents ?? []).map((c) => `key:${c.Key}`), ...(page.CommonPrefixes ?? []).map((p) => `prefix:${p.Prefix}`));
      expect(page.KeyCount).toBeLessThanOrEqual(2);
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
    expect(items.sort()).toEqual(['key:l/a', 'key:l/c', 'prefix:l/b/', 'prefix:l/d/']);
  });
});

describe('restart', () => {
  it('keeps objects, uploads and parts across a restart', async () => {
    await t.client.send(new PutObjectCommand({ Bucket, Key: 'persist', Body: 'still here' }));
    const { UploadId } = await t.client.send(new CreateMultipartUploadCommand({ Bucket, Key: 'persist-upload' }));
    const part = await t.client.send(new UploadPartCommand({ Bucket, Key: 'persist-upload', UploadId, PartNumber: 3, Body: 'part three' }));
    // A crash leftover: bytes moved in but no sidecar naming them.
    const hash = createHash('sha256').update('persist').digest('hex');
    const shard = join(t.dataDir, 'buckets', Bucket, 'objects', hash.slice(0, 2));
    const orphan = `${hash}.00000000-0000-0000-0000-000000000000.data`;
    await writeFile(join(shard, orphan), 'orphan');
    await t.restart();
    expect(await readdir(shard)).not.toContain(orphan);
    expect((await read('persist')).toString()).toBe('still here');
    const { Uploads = [] } = await t.client.send(new ListMultipartUploadsCommand({ Bucket, Prefix: 'persist-upload' }));
    expect(Uploads.map((u) => u.UploadId)).toEqual([UploadId]);
    const { Parts = [] } = await t.client.send(new ListPartsCommand({ Bucket, Key: 'persist-upload', UploadId }));
    expect(Parts.map((p) => [p.PartNumber, p.Size, p.ETag])).toEqual([[3, 10, part.ETag]]);
    expect(await readdir(join(t.dataDir, 'tmp'))).toEqual([]);
  });
});

// ---- raw signed requests for what the SDK does not send

async function rawSigned(
  store: TestStore,
  method: string,
  pathAndQuery: string,
  body: string | Buffer,
  payloadHash: string,
  extraHeaders: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const url = new URL(store.s3.endpoint + pathAndQuery);
  const amzDate = formatAmzDate(Date.now());
  const headers: Record<string, string> = { host: url.host, 'x-amz-date': amzDate, 'x-amz-content-sha256': payloadHash, ...extraHeaders };
  if (body.length > 0 || method === 'PUT') headers['content-length'] = String(Buffer.byteLength(body));
  const signedHeaders = Object.keys(headers).sort();
  const rawHeaders = Object.entries(headers).flat();
  const query = [...url.searchParams.entries()] as Array<[string, string]>;
  const canonical = canonicalRequest({ method, rawPath: url.pathname, query, rawHeaders, signedHeaders, payloadHash });
  const scope = `${amzDate.slice(0, 8)}/${store.s3.region}/s3/aws4_request`;
  const key = deriveSigningKey(store.s3.secretAccessKey, amzDate.slice(0, 8), store.s3.region, 's3');
  const signature = hmacHex(key, stringToSign(amzDate, scope, canonical));
  headers['authorization'] = `AWS4-HMAC-SHA256 Credential=${store.s3.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`;
  return new Promise((resolveResponse, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolveResponse({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Builds an aws-chunked body with chained chunk signatures, as AWS documents for SigV4 streaming. */
async function signedChunkedPut(store: TestStore, Key: string, chunks: Buffer[], tamper: boolean): Promise<{ status: number; body: string }> {
  const url = new URL(`${store.s3.endpoint}/${Bucket}/${Key}`);
  const amzDate = formatAmzDate(Date.now());
  const mode = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
  const decodedLength = chunks.reduce((n, c) => n + c.length, 0);
  const scope = `${amzDate.slice(0, 8)}/${store.s3.region}/s3/aws4_request`;
  const signingKey = deriveSigningKey(store.s3.secretAccessKey, amzDate.slice(0, 8), store.s3.region, 's3');
  const frame = (seed: string): Buffer => {
    let previous = seed;
    const parts: Buffer[] = [];
    for (const data of [...chunks, Buffer.alloc(0)]) {
      const toSign = ['AWS4-HMAC-SHA256-PAYLOAD', amzDate, scope, previous, EMPTY_SHA256, sha256Hex(data)].join('\n');
      const sig = hmacHex(signingKey, toSign);
      previous = sig;
      const sent = tamper && data.length > 0 && parts.length === 0 ? Buffer.from(data.toString().toUpperCase()) : data;
      parts.push(Buffer.from(`${data.length.toString(16)};chunk-signature=${sig}\r\n`), sent, Buffer.from('\r\n'));
    }
    return Buffer.concat(parts);
  };
  // The framed length is needed before signing; signatures are fixed-width, so frame once with a dummy seed.
  const contentLength = frame('0'.repeat(64)).length;
  const headers: Record<string, string> = {
    host: url.host,
    'x-amz-date': amzDate,
    'x-amz-content-sha256': mode,
    'x-amz-decoded-content-length': String(decodedLength),
    'content-encoding': 'aws-chunked',
    'content-length': String(contentLength),
  };
  const signedHeaders = Object.keys(headers).sort();
  const canonical = canonicalRequest({
    method: 'PUT',
    rawPath: url.pathname,
    query: [],
    rawHeaders: Object.entries(headers).flat(),
    signedHeaders,
    payloadHash: mode,
  });
  const seed = hmacHex(signingKey, stringToSign(amzDate, scope, canonical));
  headers['authorization'] = `AWS4-HMAC-SHA256 Credential=${store.s3.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${seed}`;
  const body = frame(seed);
  return new Promise((resolveResponse, reject) => {
    const req = request(url, { method: 'PUT', headers }, (res) => {
      const out: Buffer[] = [];
      res.on('data', (c: Buffer) => out.push(c));
      res.on('end', () => resolveResponse({ status: res.statusCode ?? 0, body: Buffer.concat(out).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
