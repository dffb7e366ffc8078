/**
 * Bad inputs, table-driven: each gets a 4xx with a JSON error whose code and
 * message say what is wrong, never a 500.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorBody, CreateUploadResponse, SignPartsResponse, UPLOAD_TOKEN_HEADER } from '../shared/api.js';
import type { ErrorCode } from '../shared/api.js';
import { TEST_SECRET, startTestApp } from '../testing/app-harness.js';
import { rawExchange } from '@s3-big-upload/local-s3/testing';
import type { TestApp } from '../testing/app-harness.js';
import { signUploadToken } from './upload-token.js';
import { startBackends } from '@s3-big-upload/local-s3/testing';

const backends = await startBackends();
afterAll(() => Promise.all(backends.map((b) => b.close())));

const MiB = 1024 * 1024;

interface Uploads {
  /** 3 parts of 5 MiB + 1 byte; parts 1 and 2 stored. */
  partial: CreateUploadResponse;
  partialEtags: { partNumber: number; etag: string }[];
  /** One 100-byte part, stored. */
  small: CreateUploadResponse;
  smallEtag: string;
  aborted: CreateUploadResponse;
}

type TokenChoice = 'partial' | 'small' | 'aborted' | 'tampered' | 'garbage' | 'expired' | 'other-secret' | 'empty';

interface BadInput {
  name: string;
  method: string;
  path: string;
  token?: TokenChoice;
  /** Raw text, or a function of the uploads giving a value sent as JSON. */
  body?: string | ((u: Uploads) => unknown);
  contentType?: string;
  status: number;
  code: ErrorCode;
  message: RegExp;
  issuePath?: string;
}

const create = (body: unknown) => () => body;
const CASES: BadInput[] = [
  { name: 'bad JSON', method: 'POST', path: '/api/uploads', body: '{"fileName": "a.txt", ', status: 400, code: 'invalid_request', message: /not valid JSON/ },
  { name: 'JSON null (not an object)', method: 'POST', path: '/api/uploads', body: 'null', status: 400, code: 'invalid_request', message: /not valid JSON/ },
  { name: 'JSON array body', method: 'POST', path: '/api/uploads', body: create([]), status: 400, code: 'invalid_request', message: /expected object/ },
  { name: 'no body', method: 'POST', path: '/api/uploads', status: 400, code: 'invalid_request', message: /body is required/ },
  { name: 'text/plain body', method: 'POST', path: '/api/uploads', body: '{"fileName":"a","size":1}', contentType: 'text/plain', status: 415, code: 'unsupported_media_type', message: /must be JSON/ },
  { name: 'latin1 JSON', method: 'POST', path: '/api/uploads', body: '{"fileName":"a","size":1}', contentType: 'application/json; charset=latin1', status: 415, code: 'unsupported_media_type', message: /UTF-8/ },
  { name: 'fileName of wrong type', method: 'POST', path: '/api/uploads', body: create({ fileName: 42, size: 1 }), status: 400, code: 'invalid_request', message: /fileName/, issuePath: 'fileName' },
  { name: 'size as a string', method: 'POST', path: '/api/uploads', body: create({ fileName: 'a', size: '10' }), status: 400, code: 'invalid_request', message: /size/, issuePath: 'size' },
  { name: 'missing size', method: 'POST', path: '/api/uploads', body: create({ fileName: 'a' }), status: 400, code: 'invalid_request', message: /size/, issuePath: 'size' },
  { name: 'extra field', method: 'POST', path: '/api/uploads', body: create({ fileName: 'a', size: 1, bucket: 'x' }), status: 400, code: 'invalid_request', message: /Unrecognized key.*bucket/ },
  { name: 'negative size', method: 'POST', path: '/api/uploads', body: create({ fileName: 'a', size: -1 }), status: 400, code: 'invalid_request', message: /size/, issuePath: 'size' },
  { name: 'fractional size', method: 'POST', path: '/api/uploads', body: create({ fileName: 'a', size: 1.5 }), status: 400, code: 'invalid_request', message: /size/, issuePath: 'size' },
  { name: 'size over max', method: 'POST', path: '/api/uploads', body: create({ fileName: 'a', size: 1024 ** 3 + 1 }), status: 413, code: 'file_too_large', message: /exceeds the limit of 1073741824/ },
  { name: 'size over S3 limit', method: 'POST', path: '/api/uploads', body: create({ fileName: 'a', size: 6 * 1024 ** 4 }), status: 413, code: 'file_too_large', message: /exceeds the limit/ },
  { name: 'empty fileName', method: 'POST', path: '/api/uploads', body: create({ fileName: '', size: 1 }), status: 400, code: 'invalid_request', message: /fileName must not be empty/ },
  { name: 'blank fileName', method: 'POST', path: '/api/uploads', body: create({ fileName: '   ', size: 1 }), status: 400, code: 'invalid_request', message: /fileName must not be empty/ },
  { name: 'huge fileName', method: 'POST', path: '/api/uploads', body: create({ fileName: 'x'.repeat(2000), size: 1 }), status: 400, code: 'invalid_request', message: /fileName/, issuePath: 'fileName' },
  { name: 'malformed contentType', method: 'POST', path: '/api/uploads', body: create({ fileName: 'a', size: 1, contentType: 'not a type' }), status: 400, code: 'invalid_request', message: /contentType must look like/ },
  { name: 'contentType with CR LF', method: 'POST', path: '/api/uploads', body: create({ fileName: 'a', size: 1, contentType: 'text/plain\r\n; x=1' }), status: 400, code: 'invalid_request', message: /contentType must look like/, issuePath: 'contentType' },
  { name: 'contentType with NUL', method: 'POST', path: '/api/uploads', body: create({ fileName: 'a', size: 1, contentType: 'text/plain; a=\0' }), status: 400, code: 'invalid_request', message: /contentType must look like/, issuePath: 'contentType' },
  { name: 'contentType above U+00FF', method: 'POST', path: '/api/uploads', body: create({ fileName: 'a', size: 1, contentType: 'text/plain; name=\u0100' }), status: 400, code: 'invalid_request', message: /contentType must look like/, issuePath: 'contentType' },
  { name: 'content type not allowed', method: 'POST', path: '/api/uploads', body: create({ fileName: 'a.html', size: 1, contentType: 'text/html' }), status: 415, code: 'content_type_not_allowed', message: /"text\/html" is not allowed; allowed: image\/\*/ },
  { name: 'part number 0', method: 'POST', path: '/api/uploads/sign', token: 'partial', body: create({ parts: [{ partNumber: 0 }] }), status: 400, code: 'invalid_request', message: /parts\.0\.partNumber/ },
  { name: 'part number 10001', method: 'POST', path: '/api/uploads/sign', token: 'partial', body: create({ parts: [{ partNumber: 10_001 }] }), status: 400, code: 'invalid_request', message: /parts\.0\.partNumber/ },
  { name: 'duplicate part numbers', method: 'POST', path: '/api/uploads/sign', token: 'partial', body: create({ parts: [{ partNumber: 1 }, { partNumber: 1 }] }), status: 400, code: 'invalid_request', message: /must not repeat/ },
  { name: '101 part numbers', method: 'POST', path: '/api/uploads/sign', token: 'partial', body: create({ parts: Array.from({ length: 101 }, (_, i) => ({ partNumber: i + 1 })) }), status: 400, code: 'invalid_request', message: /at most 100/ },
  { name: 'no part numbers', method: 'POST', path: '/api/uploads/sign', token: 'partial', body: create({ parts: [] }), status: 400, code: 'invalid_request', message: /at least one/ },
  { name: 'part number as string', method: 'POST', path: '/api/uploads/sign', token: 'partial', body: create({ parts: [{ partNumber: '1' }] }), status: 400, code: 'invalid_request', message: /parts\.0\.partNumber/ },
  { name: 'part beyond the plan', method: 'POST', path: '/api/uploads/sign', token: 'partial', body: create({ parts: [{ partNumber: 2 }, { partNumber: 4 }, { partNumber: 7 }] }), status: 400, code: 'part_out_of_range', message: /4, 7 are beyond this upload's 3 part/ },
  { name: 'sign without a body', method: 'POST', path: '/api/uploads/sign', token: 'partial', status: 400, code: 'invalid_request', message: /body is required/ },
  { name: 'missing token', method: 'POST', path: '/api/uploads/sign', body: create({ parts: [{ partNumber: 1 }] }), status: 401, code: 'invalid_token', message: /missing x-upload-token/ },
  { name: 'empty token', method: 'GET', path: '/api/uploads/parts', token: 'empty', status: 401, code: 'invalid_token', message: /missing x-upload-token/ },
  { name: 'tampered token', method: 'POST', path: '/api/uploads/sign', token: 'tampered', body: create({ parts: [{ partNumber: 1 }] }), status: 401, code: 'invalid_token', message: /signature is invalid/ },
  { name: 'garbage token', method: 'GET', path: '/api/uploads/parts', token: 'garbage', status: 401, code: 'invalid_token', message: /malformed/ },
  { name: 'token from another secret', method: 'DELETE', path: '/api/uploads', token: 'other-secret', status: 401, code: 'invalid_token', message: /signature is invalid/ },
  { name: 'expired token', method: 'POST', path: '/api/uploads/complete', token: 'expired', body: create({ parts: [{ partNumber: 1, etag: 'x' }] }), status: 401, code: 'token_expired', message: /expired at/ },
  { name: 'token in the query', method: 'GET', path: '/api/uploads/parts?token=QUERY_TOKEN', status: 401, code: 'invalid_token', message: /header, never in the URL/ },
  { name: 'token in query and header', method: 'GET', path: '/api/uploads/parts?uploadToken=QUERY_TOKEN', token: 'partial', status: 401, code: 'invalid_token', message: /never in the URL/ },
  { name: 'incomplete parts list', method: 'POST', path: '/api/uploads/complete', token: 'partial', body: (u) => ({ parts: u.partialEtags }), status: 400, code: 'missing_parts', message: /missing part\(s\) 3/ },
  { name: 'part not stored', method: 'POST', path: '/api/uploads/complete', token: 'partial', body: (u) => ({ parts: [...u.partialEtags, { partNumber: 3, etag: '"abc"' }] }), status: 400, code: 'missing_parts', message: /part\(s\) 3 are not stored/ },
  { name: 'part listed twice', method: 'POST', path: '/api/uploads/complete', token: 'partial', body: (u) => ({ parts: [...u.partialEtags, ...u.partialEtags] }), status: 400, code: 'missing_parts', message: /more than once: 1, 2/ },
  { name: 'complete part beyond plan', method: 'POST', path: '/api/uploads/complete', token: 'small', body: (u) => ({ parts: [{ partNumber: 1, etag: u.smallEtag }, { partNumber: 2, etag: u.smallEtag }] }), status: 400, code: 'part_out_of_range', message: /2 are beyond this upload's 1 part/ },
  { name: 'wrong ETag', method: 'POST', path: '/api/uploads/complete', token: 'small', body: create({ parts: [{ partNumber: 1, etag: '"0123456789abcdef0123456789abcdef"' }] }), status: 400, code: 'etag_mismatch', message: /ETag of part\(s\) 1 does not match/ },
  { name: '10,000 parts fit the body limit', method: 'POST', path: '/api/uploads/complete', token: 'small', body: create({ parts: Array.from({ length: 10_000 }, (_, i) => ({ partNumber: i + 1, etag: '"0123456789abcdef0123456789abcdef"' })) }), status: 400, code: 'part_out_of_range', message: /2, 3, 4.*\(9999 in all\) are beyond this upload's 1 part/ },
  { name: 'empty parts list', method: 'POST', path: '/api/uploads/complete', token: 'small', body: create({ parts: [] }), status: 400, code: 'invalid_request', message: /parts/ },
  { name: 'extra field in a part', method: 'POST', path: '/api/uploads/complete', token: 'small', body: (u) => ({ parts: [{ partNumber: 1, etag: u.smallEtag, size: 100 }] }), status: 400, code: 'invalid_request', message: /Unrecognized key.*size/ },
  { name: 'empty ETag', method: 'POST', path: '/api/uploads/complete', token: 'small', body: create({ parts: [{ partNumber: 1, etag: '' }] }), status: 400, code: 'invalid_request', message: /parts\.0\.etag/ },
  { name: 'parts of an aborted upload', method: 'GET', path: '/api/uploads/parts', token: 'aborted', status: 404, code: 'no_such_upload', message: /does not exist any more/ },
  { name: 'complete an aborted upload', method: 'POST', path: '/api/uploads/complete', token: 'aborted', body: create({ parts: [{ partNumber: 1, etag: '"x"' }] }), status: 404, code: 'no_such_upload', message: /does not exist any more/ },
  { name: 'unknown API route', method: 'GET', path: '/api/nope', status: 404, code: 'not_found', message: /no API route GET \/api\/nope/ },
  { name: 'wrong method on /api/uploads', method: 'PUT', path: '/api/uploads', body: create({}), status: 405, code: 'method_not_allowed', message: /PUT is not supported on \/api\/uploads; use POST or DELETE/ },
  { name: 'wrong method on sign', method: 'GET', path: '/api/uploads/sign', status: 405, code: 'method_not_allowed', message: /use POST/ },
  { name: 'wrong method on config', method: 'POST', path: '/api/config', body: create({}), status: 405, code: 'method_not_allowed', message: /use GET/ },
  { name: 'oversized body', method: 'POST', path: '/api/uploads', body: JSON.stringify({ fileName: 'a', size: 1, pad: 'x'.repeat(1.1 * MiB) }), status: 413, code: 'payload_too_large', message: /exceeds the limit of 1048576 bytes/ },
];

describe.each(backends)('$name', (backend) => {
  let app: TestApp;
  let uploads: Uploads;
  let tokens: Record<TokenChoice, string>;

  async function send(method: string, path: string, options: { token?: string; body?: string; contentType?: string } = {}) {
    const headers: Record<string, string> = {};
    if (options.token !== undefined) headers[UPLOAD_TOKEN_HEADER] = options.token;
    if (options.body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
    const response = await fetch(`${app.baseUrl}${path}`, { method, headers, ...(options.body !== undefined && { body: options.body }) });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: response.status, json };
  }

  async function createUpload(fileName: string, size: number): Promise<CreateUploadResponse> {
    return CreateUploadResponse.parse((await send('POST', '/api/uploads', { body: JSON.stringify({ fileName, size }) })).json);
  }

  async function putParts(upload: CreateUploadResponse, sizes: Record<number, number>) {
    const parts = Object.keys(sizes).map((n) => ({ partNumber: Number(n) }));
    const signed = SignPartsResponse.parse((await send('POST', '/api/uploads/sign', { token: upload.token, body: JSON.stringify({ parts }) })).json);
    return Promise.all(
      signed.parts.map(async (part) => {
        const put = await fetch(part.url, { method: 'PUT', body: randomBytes(part.size) });
        expect(put.status).toBe(200);
        return { partNumber: part.partNumber, etag: put.headers.get('etag') ?? '' };
      }),
    );
  }

  beforeAll(async () => {
    // Checksums off: these cases are about the other checks (integrity.test.ts covers the md5 mode's).
    app = await startTestApp(backend, { allowedContentTypes: ['image/*', 'application/octet-stream'], checksumMode: 'off' });
    const partial = await createUpload('partial.bin', 2 * 5 * MiB + 1);
    const partialEtags = await putParts(partial, { 1: 5 * MiB, 2: 5 * MiB });
    const small = await createUpload('small.bin', 100);
    const [smallPart] = await putParts(small, { 1: 100 });
    const aborted = await createUpload('aborted.bin', 100);
    expect((await send('DELETE', '/api/uploads', { token: aborted.token })).status).toBe(204);
    uploads = { partial, partialEtags, small, smallEtag: smallPart?.etag ?? '', aborted };
    const [payload = '', signature = ''] = partial.token.split('.');
    const swapped = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    const forged = { uploadId: partial.uploadId, key: partial.key, size: partial.size, partSize: partial.partSize };
    tokens = {
      partial: partial.token,
      small: small.token,
      aborted: aborted.token,
      tampered: `${payload}.${swapped}`,
      garbage: 'not-a-token',
      expired: signUploadToken({ ...forged, expiresAt: app.clock.now() - 1 }, TEST_SECRET),
      'other-secret': signUploadToken({ ...forged, expiresAt: app.clock.now() + 60_000 }, 'some-other-secret-0123456789abcdef0123'),
      empty: '',
    };
  });
  afterAll(() => app?.close());

  it('has at least 30 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES)('$name -> $status $code', async (c) => {
    const body = typeof c.body === 'function' ? JSON.stringify(c.body(uploads)) : c.body;
    const path = c.path.replace('QUERY_TOKEN', encodeURIComponent(tokens.partial));
    const res = await send(c.method, path, {
      ...(c.token !== undefined && { token: tokens[c.token] }),
      ...(body !== undefined && { body }),
      ...(c.contentType !== undefined && { contentType: c.contentType }),
    });
    expect(res.status, JSON.stringify(res.json)).toBe(c.status);
    const { error } = ApiErrorBody.parse(res.json);
    expect(error.code).toBe(c.code);
    expect(error.message).toMatch(c.message);
    if (c.issuePath !== undefined) expect(error.issues?.map((i) => i.path)).toContain(c.issuePath);
  });

  it('answers a declared 100 GB body with 413 at once and closes, without reading it', async () => {
    const exchange = await rawExchange(app.baseUrl, 'POST /api/uploads HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000000000\r\n\r\n{"fileName"', {
      timeoutMs: 3000,
      awaitClose: true,
    });
    expect(exchange.responses.map((r) => r.status)).toEqual([413]);
    expect(ApiErrorBody.parse(JSON.parse(exchange.responses[0]?.body ?? '')).error.code).toBe('payload_too_large');
    expect(exchange.closed).toBe(true);
  });

  it('rate limits with a JSON 429', async () => {
    const limited = await startTestApp(backend, { rateLimitPerMinute: 3 });
    try {
      const statuses: number[] = [];
      let last: unknown;
      for (let i = 0; i < 4; i++) {
        const response = await fetch(`${limited.baseUrl}/api/config`);
        statuses.push(response.status);
        last = await response.json();
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(ApiErrorBody.parse(last).error.code).toBe('rate_limited');
    } finally {
      await limited.close();
    }
  });

  it('behind a trusted proxy, rate limits each client by X-Forwarded-For', async () => {
    const limited = await startTestApp(backend, { rateLimitPerMinute: 2, trustProxy: 1 });
    try {
      const statusFor = async (client: string) => (await fetch(`${limited.baseUrl}/api/config`, { headers: { 'x-forwarded-for': client } })).status;
      expect([await statusFor('203.0.113.1'), await statusFor('203.0.113.1'), await statusFor('203.0.113.1')]).toEqual([200, 200, 429]);
      expect(await statusFor('203.0.113.2')).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('answers 503 storage_unavailable when the store is unreachable, and /health says so', async () => {
    const down = await startTestApp({ ...backend, endpoint: 'http://127.0.0.1:9' });
    try {
      const res = await fetch(`${down.baseUrl}/api/uploads`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fileName: 'a', size: 1 }) });
      expect(res.status).toBe(503);
      expect(ApiErrorBody.parse(await res.json()).error.code).toBe('storage_unavailable');
      const health = await fetch(`${down.baseUrl}/health`);
      expect(health.status).toBe(503);
    } finally {
      await down.close();
    }
  });
});
