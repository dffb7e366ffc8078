/** Small files: batch create with signed PutObject URLs, then sign, complete and abort by token, against every real store. */
import { createHash, randomBytes } from 'node:crypto';
import { HeadObjectCommand, ListMultipartUploadsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES, ApiErrorBody, CompleteBatchResponse, CompleteUploadResponse, CreateBatchResponse, CreateUploadResponse, SignPartsResponse } from '../shared/api.js';
import type { CreateBatchFile, SingleUploadResponse } from '../shared/api.js';
import { MAX_BATCH_FILES } from '../shared/limits.js';
import { startTestApp } from '../testing/app-harness.js';
import type { TestApp } from '../testing/app-harness.js';
import { callApi } from '../testing/api-call.js';
import { startBackends } from '@s3-big-upload/local-s3/testing';

const ORIGIN = 'http://localhost:3000';
const backends = await startBackends({ corsOrigins: [ORIGIN] });
afterAll(() => Promise.all(backends.map((b) => b.close())));

const MiB = 1024 * 1024;
const md5Of = (data: Uint8Array) => createHash('md5').update(data).digest();

function fileOf(name: string, data: Uint8Array, contentType = 'application/octet-stream'): CreateBatchFile {
  return { fileName: name, size: data.length, contentType, md5: md5Of(data).toString('base64') };
}

async function batch(app: TestApp, files: CreateBatchFile[]) {
  const res = await callApi(app, 'POST', '/api/uploads/batch', { body: { files } });
  return { status: res.status, results: res.status === 201 ? CreateBatchResponse.parse(res.json).results : [], json: res.json };
}

function uploadOf(result: CreateBatchResponse['results'][number] | undefined): SingleUploadResponse {
  if (result === undefined || !('upload' in result)) throw new Error(`not an upload: ${JSON.stringify(result)}`);
  return result.upload;
}

async function put(upload: SingleUploadResponse, data: Uint8Array, url = upload.part.url, headers = upload.part.headers) {
  return fetch(url, { method: 'PUT', body: Uint8Array.from(data), headers });
}

async function completeBatch(app: TestApp, uploads: { token: string; etag: string }[]) {
  const res = await callApi(app, 'POST', API_ROUTES.completeBatch, { body: { uploads } });
  return { status: res.status, results: res.status === 200 ? CompleteBatchResponse.parse(res.json).results : [], json: res.json };
}

const outcomeOf = (result: CompleteBatchResponse['results'][number]) => ('completed' in result ? 'completed' : `${result.status} ${result.error.code}`);

describe.each(backends)('$name', (backend) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(backend, { allowedContentTypes: ['image/*', 'application/octet-stream'] });
  });
  afterAll(() => app?.close());

  it('creates many small files in one call, each stored with one PUT, completed with its size and MD5 checked', async () => {
    const files = Array.from({ length: 3 }, () => randomBytes(100_000));
    const { status, results } = await batch(app, files.map((data, i) => fileOf(`photo ${i}.png`, data, 'image/png')));
    expect(status).toBe(201);
    expect(results).toHaveLength(3);
    for (const [i, data] of files.entries()) {
      const upload = uploadOf(results[i]);
      expect(upload).toMatchObject({ single: true, size: data.length, partCount: 1, checksum: { mode: 'md5' } });
      expect(upload.key).toMatch(new RegExp(`^${app.config.keyPrefix}[0-9a-f-]{36}/photo ${i}\\.png$`));
      expect(upload.part).toMatchObject({ partNumber: 1, size: data.length, headers: { 'Content-Type': 'image/png', 'Content-MD5': md5Of(data).toString('base64') } });
      const stored = await put(upload, data);
      expect(stored.status, await stored.clone().text()).toBe(200);
      const etag = stored.headers.get('etag') ?? '';
      expect(etag).toBe(`"${md5Of(data).toString('hex')}"`);
      const done = await callApi(app, 'POST', '/api/uploads/complete', { token: upload.token, body: { parts: [{ partNumber: 1, etag }] } });
      expect(done.status, JSON.stringify(done.json)).toBe(200);
      const result = CompleteUploadResponse.parse(done.json);
      expect(result).toMatchObject({ key: upload.key, size: data.length, etag });
      const download = await fetch(result.downloadUrl);
      expect(Buffer.from(await download.arrayBuffer()).equals(data)).toBe(true);
      const head = await app.s3.send(new HeadObjectCommand({ Bucket: app.bucket, Key: upload.key }));
      expect(head.ContentType).toBe('image/png');
    }
    expect((await app.s3.send(new ListMultipartUploadsCommand({ Bucket: app.bucket, Prefix: app.config.keyPrefix }))).Uploads ?? []).toEqual([]);
  });

  it('binds the URL to the declared bytes, type and MD5: other bytes, another type or a longer body are refused', async () => {
    const data = randomBytes(4096);
    const upload = uploadOf((await batch(app, [fileOf('bound.bin', data)])).results[0]);
    const flipped = Uint8Array.from(data);
    flipped[0] = (flipped[0] ?? 0) ^ 0xff;
    expect((await put(upload, flipped)).status).toBe(400); // BadDigest
    expect((await put(upload, data, upload.part.url, { ...upload.part.headers, 'Content-Type': 'text/html' })).status).toBe(403);
    expect((await put(upload, randomBytes(4097))).status).toBeGreaterThanOrEqual(400);
    const early = await callApi(app, 'POST', '/api/uploads/complete', { token: upload.token, body: { parts: [{ partNumber: 1, etag: '"x"' }] } });
    expect(early.status).toBe(400);
    expect(ApiErrorBody.parse(early.json).error.code).toBe('missing_parts');
  });

  it('refuses, per file, what a single create would refuse; the rest of the batch is created', async () => {
    const ok = randomBytes(10);
    const { status, results } = await batch(app, [
      fileOf('ok.bin', ok),
      { ...fileOf('big.bin', ok), size: 2 * 1024 ** 3 },
      { ...fileOf('page.html', ok), contentType: 'text/html' },
      { ...fileOf('two-parts.bin', ok), size: 5 * MiB + 1 },
      { fileName: 'no-md5.bin', size: 10 },
    ]);
    expect(status).toBe(201);
    expect(results.map((r) => ('upload' in r ? 'created' : `${r.status} ${r.error.code}`))).toEqual([
      'created',
      '413 file_too_large',
      '415 content_type_not_allowed',
      '400 invalid_request',
      '400 invalid_request',
    ]);
  });

  it('validates the batch at the edge: at least one file, at most the limit, well-formed entries', async () => {
    for (const body of [{ files: [] }, { files: Array.from({ length: MAX_BATCH_FILES + 1 }, (_, i) => fileOf(`f${i}`, randomBytes(1))) }, { files: [{ fileName: '', size: -1 }] }, {}]) {
      const res = await callApi(app, 'POST', '/api/uploads/batch', { body });
      expect(res.status).toBe(400);
      expect(ApiErrorBody.parse(res.json).error.code).toBe('invalid_request');
    }
  });

  it('re-signs a single upload by its token, with the MD5 and type fixed at create', async () => {
    const data = randomBytes(2048);
    const upload = uploadOf((await batch(app, [fileOf('again.bin', data)])).results[0]);
    const md5 = md5Of(data).toString('base64');
    const signed = await callApi(app, 'POST', '/api/uploads/sign', { token: upload.token, body: { parts: [{ partNumber: 1, md5 }] } });
    expect(signed.status, JSON.stringify(signed.json)).toBe(200);
    const [part] = SignPartsResponse.parse(signed.json).parts;
    expect(part?.headers).toEqual({ 'Content-Type': 'application/octet-stream', 'Content-MD5': md5 });
    expect((await put(upload, data, part?.url, part?.headers)).status).toBe(200);
    const beyond = await callApi(app, 'POST', '/api/uploads/sign', { token: upload.token, body: { parts: [{ partNumber: 2, md5 }] } });
    expect(ApiErrorBody.parse(beyond.json).error.code).toBe('part_out_of_range');
  });

  it('cancel deletes the stored object and leaves nothing; a second cancel is fine', async () => {
    const data = randomBytes(1000);
    const upload = uploadOf((await batch(app, [fileOf('cancel me.bin', data)])).results[0]);
    expect((await put(upload, data)).status).toBe(200);
    expect((await callApi(app, 'DELETE', '/api/uploads', { token: upload.token })).status).toBe(204);
    await expect(app.s3.send(new HeadObjectCommand({ Bucket: app.bucket, Key: upload.key }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    expect((await callApi(app, 'DELETE', '/api/uploads', { token: upload.token })).status).toBe(204);
  });

  describe('batch complete', () => {
    it('completes many stored single uploads in one call, each checked (size, ETag = its MD5), answered in the order asked', async () => {
      const files = Array.from({ length: 4 }, (_, i) => randomBytes(1000 + i));
      const uploads = (await batch(app, files.map((data, i) => fileOf(`many ${i}.bin`, data)))).results.map(uploadOf);
      const etags: string[] = [];
      for (const [i, upload] of uploads.entries()) {
        const stored = await put(upload, files[i] ?? new Uint8Array());
        expect(stored.status).toBe(200);
        etags.push(stored.headers.get('etag') ?? '');
      }
      const { status, results, json } = await completeBatch(app, uploads.map((u, i) => ({ token: u.token, etag: etags[i] ?? '' })).reverse());
      expect(status, JSON.stringify(json)).toBe(200);
      expect(results.map(outcomeOf)).toEqual(Array(4).fill('completed'));
      for (const [j, result] of results.entries()) {
        const i = uploads.length - 1 - j;
        if (!('completed' in result)) throw new Error('not completed');
        expect(result.completed).toMatchObject({ key: uploads[i]?.key, size: files[i]?.length, etag: etags[i] });
        const download = await fetch(result.completed.downloadUrl);
        expect(Buffer.from(await download.arrayBuffer()).equals(files[i] ?? Buffer.alloc(0))).toBe(true);
      }
    });

    it('refuses, per upload, what a single complete would refuse; the others are completed', async () => {
      const data = [randomBytes(300), randomBytes(301), randomBytes(302)];
      const [ok, notStored, wrongEtag] = (await batch(app, data.map((d, i) => fileOf(`per-file ${i}.bin`, d)))).results.map(uploadOf);
      if (!ok || !notStored || !wrongEtag) throw new Error('batch create failed');
      const okPut = await put(ok, data[0] ?? new Uint8Array());
      expect((await put(wrongEtag, data[2] ?? new Uint8Array())).status).toBe(200);
      const created = await callApi(app, 'POST', '/api/uploads', { body: { fileName: 'multi.bin', size: 10 } });
      const multipart = CreateUploadResponse.parse(created.json);
      const { status, results } = await completeBatch(app, [
        { token: ok.token, etag: okPut.headers.get('etag') ?? '' },
        { token: notStored.token, etag: '"0123456789abcdef0123456789abcdef"' },
        { token: wrongEtag.token, etag: '"0123456789abcdef0123456789abcdef"' },
        { token: multipart.token, etag: '"x"' },
        { token: 'not.a-token', etag: '"x"' },
        { token: `${ok.token.split('.')[0]}.${'A'.repeat(43)}`, etag: '"x"' },
      ]);
      expect(status).toBe(200);
      expect(results.map(outcomeOf)).toEqual(['completed', '400 missing_parts', '400 etag_mismatch', '400 invalid_request', '401 invalid_token', '401 invalid_token']);
      await callApi(app, 'DELETE', '/api/uploads', { token: multipart.token });
    });

    it('deletes an object whose ETag is not the MD5 it was created with (422 checksum_mismatch), and completes the rest', async () => {
      const good = randomBytes(500);
      const [swapped, fine] = (await batch(app, [fileOf('swapped.bin', good), fileOf('fine.bin', good)])).results.map(uploadOf);
      if (!swapped || !fine) throw new Error('batch create failed');
      // Other bytes of the same length land at the key behind the app's back (a store that ignored Content-MD5).
      const other = randomBytes(500);
      const written = await app.s3.send(new PutObjectCommand({ Bucket: app.bucket, Key: swapped.key, Body: other }));
      const finePut = await put(fine, good);
      const { results } = await completeBatch(app, [
        { token: swapped.token, etag: written.ETag ?? '' },
        { token: fine.token, etag: finePut.headers.get('etag') ?? '' },
      ]);
      expect(results.map(outcomeOf)).toEqual(['422 checksum_mismatch', 'completed']);
      await expect(app.s3.send(new HeadObjectCommand({ Bucket: app.bucket, Key: swapped.key }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
      expect((await app.s3.send(new HeadObjectCommand({ Bucket: app.bucket, Key: fine.key }))).ContentLength).toBe(500);
    });

    it('validates the call at the edge: at least one upload, at most the limit, well-formed entries (400 invalid_request)', async () => {
      const entry = { token: 'a.b', etag: '"x"' };
      const bodies: unknown[] = [
        {},
        { uploads: [] },
        { uploads: Array.from({ length: MAX_BATCH_FILES + 1 }, () => entry) },
        { uploads: [{ token: '', etag: '"x"' }] },
        { uploads: [{ token: 'a.b' }] },
        { uploads: [{ ...entry, partNumber: 1 }] },
        { uploads: 'all' },
        [entry],
      ];
      for (const body of bodies) {
        const res = await callApi(app, 'POST', API_ROUTES.completeBatch, { body });
        expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
        expect(ApiErrorBody.parse(res.json).error.code).toBe('invalid_request');
      }
      expect((await callApi(app, 'GET', API_ROUTES.completeBatch)).status).toBe(405);
    });
  });
});
