import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { CompletedPart } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStore } from './test-support.js';
import type { TestStore } from './test-support.js';

const MiB = 1024 * 1024;
let t: TestStore;
const Bucket = 'uploads';

beforeAll(async () => {
  t = await startTestStore();
});
afterAll(() => t.stop());

function bytes(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

const md5 = (data: Buffer): string => createHash('md5').update(data).digest('hex');

async function createUpload(Key: string, ContentType?: string): Promise<string> {
  const { UploadId } = await t.client.send(new CreateMultipartUploadCommand({ Bucket, Key, ContentType }));
  if (!UploadId) throw new Error('no UploadId');
  return UploadId;
}

async function uploadPart(Key: string, UploadId: string, PartNumber: number, Body: Buffer): Promise<CompletedPart> {
  const { ETag } = await t.client.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber, Body }));
  return { PartNumber, ETag };
}

async function s3ErrorOf(promise: Promise<unknown>): Promise<{ code: string; status: number | undefined; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof S3ServiceException) return { code: error.name, status: error.$metadata.httpStatusCode, message: error.message };
    throw error;
  }
  throw new Error('expected an S3 error');
}

function complete(Key: string, UploadId: string, Parts: CompletedPart[]): Promise<unknown> {
  return t.client.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts } }));
}

/** A presigned part URL signed the way the app signs it (content-length in SignedHeaders). */
function signPart(Key: string, UploadId: string, PartNumber: number, ContentLength: number): Promise<string> {
  return getSignedUrl(t.client, new UploadPartCommand({ Bucket, Key, UploadId, PartNumber, ContentLength }), {
    expiresIn: 300,
    signableHeaders: new Set(['content-length']),
  });
}

/** Writes a PUT by hand (optionally half-closing) and returns everything the server answered before closing. */
function rawExchange(url: URL, lengthHeader: string, body: Buffer, halfClose = true): Promise<string> {
  return new Promise((resolve, reject) => {
    let reply = '';
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(`PUT ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n${lengthHeader}\r\n\r\n`);
      if (halfClose) socket.end(body);
      else socket.write(body);
    });
    socket.on('data', (chunk: Buffer) => (reply += chunk.toString()));
    socket.on('close', () => resolve(reply));
    socket.on('error', reject);
  });
}

describe('multipart happy path', () => {
  it('assembles parts into one object with the md5-of-md5s-N ETag and the stored content type', async () => {
    const Key = 'videos/big file ü.bin';
    const UploadId = await createUpload(Key, 'video/mp4');
    const p1 = bytes(5 * MiB, 1);
    const p2 = bytes(5 * MiB, 2);
    const p3 = bytes(1234, 3);
    const parts = [await uploadPart(Key, UploadId, 1, p1), await uploadPart(Key, UploadId, 2, p2)];
    // The last part goes through a presigned URL with plain fetch, as the browser does.
    const url = await signPart(Key, UploadId, 3, p3.length);
    const put = await fetch(url, { method: 'PUT', body: new Uint8Array(p3) });
    expect(put.status).toBe(200);
    expect(put.headers.get('etag')).toBe(`"${md5(p3)}"`);
    parts.push({ PartNumber: 3, ETag: put.headers.get('etag') ?? '' });
    expect(parts.map((p) => p.ETag)).toEqual([`"${md5(p1)}"`, `"${md5(p2)}"`, `"${md5(p3)}"`]);

    const result = (await complete(Key, UploadId, parts)) as { ETag?: string; Key?: string };
    const expectedEtag = createHash('md5')
      .update(Buffer.concat([p1, p2, p3].map((p) => createHash('md5').update(p).digest())))
      .digest('hex');
    expect(result.ETag).toBe(`"${expectedEtag}-3"`);
    expect(result.Key).toBe(Key);

    const got = await t.client.send(new GetObjectCommand({ Bucket, Key }));
    expect(got.ContentType).toBe('video/mp4');
    expect(got.ETag).toBe(`"${expectedEtag}-3"`);
    const stored = Buffer.from(await got.Body!.transformToByteArray());
    expect(md5(stored)).toBe(md5(Buffer.concat([p1, p2, p3])));
    // The upload is gone and its part files removed.
    expect(await s3ErrorOf(t.client.send(new ListPartsCommand({ Bucket, Key, UploadId })))).toMatchObject({ code: 'NoSuchUpload', status: 404 });
    expect(await readdir(join(t.dataDir, 'uploads'))).not.toContain(UploadId);
  });

  it('accepts ETags in Complete without quotes, as S3 does', async () => {
    const Key = 'unquoted';
    const UploadId = await createUpload(Key);
    const part = await uploadPart(Key, UploadId, 1, bytes(10, 1));
    await complete(Key, UploadId, [{ PartNumber: 1, ETag: part.ETag?.replace(/"/g, '') }]);
    const got = await t.client.send(new GetObjectCommand({ Bucket, Key }));
    expect(got.ETag).toMatch(/^"[0-9a-f]{32}-1"$/);
  });
});

describe('CompleteMultipartUpload errors', () => {
  it('InvalidPart for a part never uploaded', async () => {
    const UploadId = await createUpload('e1');
    const p1 = await uploadPart('e1', UploadId, 1, bytes(5 * MiB, 1));
    const err = await s3ErrorOf(complete('e1', UploadId, [p1, { PartNumber: 2, ETag: p1.ETag }]));
    expect(err).toMatchObject({ code: 'InvalidPart', status: 400 });
  });

  it('InvalidPart for a wrong ETag', async () => {
    const UploadId = await createUpload('e2');
    await uploadPart('e2', UploadId, 1, bytes(10, 1));
    const err = await s3ErrorOf(complete('e2', UploadId, [{ PartNumber: 1, ETag: `"${'0'.repeat(32)}"` }]));
    expect(err).toMatchObject({ code: 'InvalidPart', status: 400 });
  });

  it('InvalidPartOrder when parts are not ascending (or repeat)', async () => {
    const UploadId = await createUpload('e3');
    const p1 = await uploadPart('e3', UploadId, 1, bytes(5 * MiB, 1));
    const p2 = await uploadPart('e3', UploadId, 2, bytes(10, 2));
    expect(await s3ErrorOf(complete('e3', UploadId, [p2, p1]))).toMatchObject({ code: 'InvalidPartOrder', status: 400 });
    expect(await s3ErrorOf(complete('e3', UploadId, [p1, p1]))).toMatchObject({ code: 'InvalidPartOrder', status: 400 });
  });

  it('EntityTooSmall when a non-last part is under 5 MiB; the upload survives the failed Complete', async () => {
    const UploadId = await createUpload('e4');
    const p1 = await uploadPart('e4', UploadId, 1, bytes(5 * MiB - 1, 1));
    const p2 = await uploadPart('e4', UploadId, 2, bytes(10, 2));
    expect(await s3ErrorOf(complete('e4', UploadId, [p1, p2]))).toMatchObject({ code: 'EntityTooSmall', status: 400 });
    // A small last (and only) part is fine.
    await complete('e4', UploadId, [p1]);
  });

  it('NoSuchUpload for an unknown upload id', async () => {
    const err = await s3ErrorOf(complete('e5', 'not-an-upload', [{ PartNumber: 1, ETag: '"x"' }]));
    expect(err).toMatchObject({ code: 'NoSuchUpload', status: 404 });
  });

  it('MalformedXML for an empty part list or a broken body', async () => {
    const UploadId = await createUpload('e6');
    expect(await s3ErrorOf(complete('e6', UploadId, []))).toMatchObject({ code: 'MalformedXML', status: 400 });
    const url = await getSignedUrl(t.client, new CompleteMultipartUploadCommand({ Bucket, Key: 'e6', UploadId }), { expiresIn: 60 });
    const response = await fetch(url, { method: 'POST', body: '<CompleteMultipartUpload><Part>' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('<Code>MalformedXML</Code>');
  });
});

describe('UploadPart validation', () => {
  it('rejects part numbers outside 1..10000 with InvalidArgument', async () => {
    const UploadId = await createUpload('pn');
    for (const PartNumber of [0, 10001]) {
      const err = await s3ErrorOf(t.client.send(new UploadPartCommand({ Bucket, Key: 'pn', UploadId, PartNumber, Body: 'x' })));
      expect(err).toMatchObject({ code: 'InvalidArgument', status: 400 });
    }
    await uploadPart('pn', UploadId, 10000, bytes(1, 1));
  });

  it('BadDigest when Content-MD5 does not match the body, and nothing is stored', async () => {
    const UploadId = await createUpload('md5');
    const wrong = createHash('md5').update('other').digest('base64');
    const err = await s3ErrorOf(
      t.client.send(new UploadPartCommand({ Bucket, Key: 'md5', UploadId, PartNumber: 1, Body: 'hello', ContentMD5: wrong })),
    );
    expect(err).toMatchObject({ code: 'BadDigest', status: 400 });
    const right = createHash('md5').update('hello').digest('base64');
    await t.client.send(new UploadPartCommand({ Bucket, Key: 'md5', UploadId, PartNumber: 2, Body: 'hello', ContentMD5: right }));
    const { Parts = [] } = await t.client.send(new ListPartsCommand({ Bucket, Key: 'md5', UploadId }));
    expect(Parts.map((p) => p.PartNumber)).toEqual([2]);
  });

  it('NoSuchUpload when the upload id belongs to another key', async () => {
    const UploadId = await createUpload('owner-key');
    const err = await s3ErrorOf(t.client.send(new UploadPartCommand({ Bucket, Key: 'other-key', UploadId, PartNumber: 1, Body: 'x' })));
    expect(err).toMatchObject({ code: 'NoSuchUpload', status: 404 });
  });
});

describe('AbortMultipartUpload', () => {
  it('answers 204, then UploadPart, ListParts and Complete answer NoSuchUpload', async () => {
    const Key = 'aborted';
    const UploadId = await createUpload(Key);
    const p1 = await uploadPart(Key, UploadId, 1, bytes(10, 1));
    const abort = await t.client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }));
    expect(abort.$metadata.httpStatusCode).toBe(204);
    const expected = { code: 'NoSuchUpload', status: 404 };
    expect(await s3ErrorOf(uploadPart(Key, UploadId, 2, bytes(10, 2)))).toMatchObject(expected);
    expect(await s3ErrorOf(t.client.send(new ListPartsCommand({ Bucket, Key, UploadId })))).toMatchObject(expected);
    expect(await s3ErrorOf(complete(Key, UploadId, [p1]))).toMatchObject(expected);
    expect(await s3ErrorOf(t.client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId })))).toMatchObject(expected);
    // A presigned part URL for the aborted upload gets the XML error too.
    const response = await fetch(await signPart(Key, UploadId, 3, 4), { method: 'PUT', body: 'data' });
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('<Code>NoSuchUpload</Code>');
  });
});

describe('listing', () => {
  it('ListParts paginates with max-parts and part-number-marker', async () => {
    const Key = 'many-parts';
    const UploadId = await createUpload(Key);
    for (const n of [1, 2, 3, 5, 8]) await uploadPart(Key, UploadId, n, bytes(n, n));
    const first = await t.client.send(new ListPartsCommand({ Bucket, Key, UploadId, MaxParts: 2 }));
    expect(first.Parts?.map((p) => [p.PartNumber, p.Size, p.ETag])).toEqual([
      [1, 1, `"${md5(bytes(1, 1))}"`],
      [2, 2, `"${md5(bytes(2, 2))}"`],
    ]);
    expect(first.IsTruncated).toBe(true);
    expect(first.NextPartNumberMarker).toBe('2');
    expect(first.Parts?.[0]?.LastModified).toBeInstanceOf(Date);
    const second = await t.client.send(new ListPartsCommand({ Bucket, Key, UploadId, MaxParts: 2, PartNumberMarker: '2' }));
    expect(second.Parts?.map((p) => p.PartNumber)).toEqual([3, 5]);
    const third = await t.client.send(new ListPartsCommand({ Bucket, Key, UploadId, MaxParts: 2, PartNumberMarker: second.NextPartNumberMarker }));
    expect(third.Parts?.map((p) => p.PartNumber)).toEqual([8]);
    expect(third.IsTruncated).toBe(false);
  });

  it('ListMultipartUploads filters by prefix, paginates with key/upload-id markers and reports Initiated from the clock', async () => {
    const started = Date.UTC(2026, 0, 2, 3, 4, 5);
    t.clock.now = started;
    const ids: string[] = [];
    for (const key of ['lmu/a', 'lmu/b', 'lmu/b', 'lmu/c']) {
      ids.push(await createUpload(key));
      t.clock.now += 1000;
    }
    t.clock.now = Date.now();
    const seen: Array<[string | undefined, string | undefined]> = [];
    let KeyMarker: string | undefined;
    let UploadIdMarker: string | undefined;
    for (let page = 0; page < 10; page++) {
      const res = await t.client.send(new ListMultipartUploadsCommand({ Bucket, Prefix: 'lmu/', MaxUploads: 3, KeyMarker, UploadIdMarker }));
      seen.push(...(res.Uploads ?? []).map((u): [string | undefined, string | undefined] => [u.Key, u.UploadId]));
      if (page === 0) {
        expect(res.Uploads?.[0]?.Initiated?.getTime()).toBe(started);
        expect(res.IsTruncated).toBe(true);
      }
      if (!res.IsTruncated) break;
      KeyMarker = res.NextKeyMarker;
      UploadIdMarker = res.NextUploadIdMarker;
    }
    expect(seen).toEqual([
      ['lmu/a', ids[0]],
      ['lmu/b', ids[1]],
      ['lmu/b', ids[2]],
      ['lmu/c', ids[3]],
    ]);
  });
});

describe('concurrency and failures', () => {
  it('two concurrent uploads of the same part number leave one whole part', async () => {
    const Key = 'race';
    const UploadId = await createUpload(Key);
    const a = bytes(3 * MiB, 7);
    const b = bytes(3 * MiB, 9);
    const [ra, rb] = await Promise.all([uploadPart(Key, UploadId, 1, a), uploadPart(Key, UploadId, 1, b)]);
    const { Parts = [] } = await t.client.send(new ListPartsCommand({ Bucket, Key, UploadId }));
    expect(Parts).toHaveLength(1);
    const winner = Parts[0]?.ETag;
    expect([ra.ETag, rb.ETag]).toContain(winner);
    await complete(Key, UploadId, [{ PartNumber: 1, ETag: winner }]);
    const got = await t.client.send(new GetObjectCommand({ Bucket, Key }));
    const stored = Buffer.from(await got.Body!.transformToByteArray());
    expect(`"${md5(stored)}"`).toBe(winner);
  });

  it('a connection cut mid-part leaves no part and no temp file', async () => {
    const Key = 'cut';
    const UploadId = await createUpload(Key);
    const url = new URL(await signPart(Key, UploadId, 1, 1000));
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(`PUT ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Length: 1000\r\n\r\n`);
        socket.write(Buffer.alloc(400, 1), () => setTimeout(() => socket.destroy(), 50));
      });
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    // Wait until the server has processed the reset (it removes the temp file).
    for (let i = 0; i < 50 && (await readdir(join(t.dataDir, 'tmp'))).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await readdir(join(t.dataDir, 'tmp'))).toEqual([]);
    const { Parts = [] } = await t.client.send(new ListPartsCommand({ Bucket, Key, UploadId }));
    expect(Parts).toEqual([]);
  });

  it('IncompleteBody when the client sends fewer bytes than Content-Length and ends; nothing is stored', async () => {
    const Key = 'short';
    const UploadId = await createUpload(Key);
    const url = new URL(await signPart(Key, UploadId, 1, 1000));
    const reply = await rawExchange(url, 'Content-Length: 1000', Buffer.alloc(400, 1));
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect(reply).toContain('<Code>IncompleteBody</Code>');
    const { Parts = [] } = await t.client.send(new ListPartsCommand({ Bucket, Key, UploadId }));
    expect(Parts).toEqual([]);
  });

  it('answers Expect: 100-continue only once the request is authorized and the upload exists', async () => {
    const Key = 'expect';
    const UploadId = await createUpload(Key);
    const url = new URL(await signPart(Key, UploadId, 1, 4));
    const exchange = (target: URL): Promise<string> =>
      new Promise((resolve, reject) => {
        let reply = '';
        const socket = connect(Number(target.port), target.hostname, () => {
          socket.write(`PUT ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nContent-Length: 4\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`);
        });
        socket.on('data', (chunk: Buffer) => {
          reply += chunk.toString();
          if (reply.startsWith('HTTP/1.1 100 Continue\r\n\r\n') && !reply.includes('HTTP/1.1 200')) socket.write('data');
        });
        socket.on('close', () => resolve(reply));
        socket.on('error', reject);
      });
    const tampered = new URL(url);
    tampered.searchParams.set('X-Amz-Signature', '0'.repeat(64));
    const refused = await exchange(tampered);
    expect(refused).toMatch(/^HTTP\/1\.1 403 /);
    expect(refused).toContain('<Code>SignatureDoesNotMatch</Code>');
    const accepted = await exchange(url);
    expect(accepted).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
  });

  it('stores only Content-Length bytes when the client sends more', async () => {
    const Key = 'long';
    const UploadId = await createUpload(Key);
    const url = new URL(await getSignedUrl(t.client, new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1 }), { expiresIn: 60 }));
    const sent = bytes(15, 4);
    const reply = await rawExchange(url, 'Content-Length: 10', sent, false);
    expect(reply).toMatch(/^HTTP\/1\.1 200 /);
    const { Parts = [] } = await t.client.send(new ListPartsCommand({ Bucket, Key, UploadId }));
    expect(Parts.map((p) => [p.Size, p.ETag])).toEqual([[10, `"${md5(sent.subarray(0, 10))}"`]]);
  });

  it('stores exactly Content-Length bytes from a presigned PUT and refuses a different length', async () => {
    const Key = 'length';
    const UploadId = await createUpload(Key);
    const url = await signPart(Key, UploadId, 1, 10);
    const wrong = await fetch(url, { method: 'PUT', body: new Uint8Array(bytes(11, 1)) });
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    const right = await fetch(url, { method: 'PUT', body: new Uint8Array(bytes(10, 1)) });
    expect(right.status).toBe(200);
    const { Parts = [] } = await t.client.send(new ListPartsCommand({ Bucket, Key, UploadId }));
    expect(Parts.map((p) => p.Size)).toEqual([10]);
  });
});
