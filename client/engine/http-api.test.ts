import { describe, expect, it } from 'vitest';
import { API_ROUTES, UPLOAD_TOKEN_HEADER, type CreateUploadResponse } from '../../shared/api.js';
import { ApiError, NetworkError, UploadError } from './errors.js';
import { createHttpApi } from './http-api.js';

interface Captured {
  url: string;
  method: string;
  headers: Headers;
  body: unknown;
  credentials: RequestCredentials | undefined;
}

/** A fetch that records requests and answers from a script. */
function fakeFetch(answer: (request: Captured) => Response | Promise<Response>) {
  const requests: Captured[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    const request = { url: String(input), method: init?.method ?? 'GET', headers: new Headers(init?.headers), body, credentials: init?.credentials };
    requests.push(request);
    return answer(request);
  };
  return { fetch, requests };
}

const json = (status: number, value: unknown) => new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });

const MD5 = '1B2M2Y8AsgTpgAmY7PhCfg==';
const EXPECTED = '59adb24ef3cdbe0297f05b395827453f-1';
const session: CreateUploadResponse = { uploadId: 'u', key: 'k', size: 20, partSize: 10, partCount: 2, token: 'secret-token', expiresAt: 1, checksum: { mode: 'md5', etagIsMd5: true } };

describe('createHttpApi', () => {
  it('creates without a token and sends the token header (never in the URL) on upload-scoped calls', async () => {
    const { fetch, requests } = fakeFetch((request) => {
      if (request.url.endsWith(API_ROUTES.sign)) return json(200, { parts: [{ partNumber: 1, url: 'https://s3/1', size: 10, expiresAt: 5, headers: { 'Content-MD5': MD5 } }] });
      if (request.method === 'DELETE') return new Response(null, { status: 204 });
      if (request.url.endsWith(API_ROUTES.parts)) return json(200, { parts: [] });
      if (request.url.endsWith(API_ROUTES.complete)) return json(200, { key: 'k', size: 20, etag: '"x"', downloadUrl: 'https://s3/k' });
      return json(201, session);
    });
    const api = createHttpApi({ baseUrl: 'https://app.test', fetch });
    expect(await api.create({ fileName: 'a.bin', size: 20 })).toEqual(session);
    expect(await api.sign(session, [{ partNumber: 1, md5: MD5 }])).toEqual([{ partNumber: 1, url: 'https://s3/1', size: 10, expiresAt: 5, headers: { 'Content-MD5': MD5 } }]);
    expect(await api.listParts(session)).toEqual([]);
    expect((await api.complete(session, { parts: [{ partNumber: 1, etag: '"e"' }], expectedEtag: EXPECTED })).etag).toBe('"x"');
    await api.abort(session);

    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST https://app.test/api/uploads',
      'POST https://app.test/api/uploads/sign',
      'GET https://app.test/api/uploads/parts',
      'POST https://app.test/api/uploads/complete',
      'DELETE https://app.test/api/uploads',
    ]);
    expect(requests[0]?.headers.has(UPLOAD_TOKEN_HEADER)).toBe(false);
    expect(requests[0]?.body).toEqual({ fileName: 'a.bin', size: 20 });
    for (const request of requests.slice(1)) {
      expect(request.headers.get(UPLOAD_TOKEN_HEADER)).toBe('secret-token');
      expect(request.url).not.toContain('secret-token');
    }
    expect(requests[1]?.body).toEqual({ parts: [{ partNumber: 1, md5: MD5 }] });
    expect(requests[3]?.body).toEqual({ parts: [{ partNumber: 1, etag: '"e"' }], expectedEtag: EXPECTED });
  });

  it('maps the JSON error body to ApiError with status, code and message', async () => {
    const { fetch } = fakeFetch(() => json(401, { error: { code: 'token_expired', message: 'the upload token has expired' } }));
    const error = await createHttpApi({ fetch }).sign(session, [{ partNumber: 1 }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ name: 'ApiError', status: 401, code: 'token_expired', message: 'the upload token has expired' });
  });

  it('maps a non-JSON error answer to ApiError with code unknown', async () => {
    const { fetch } = fakeFetch(() => new Response('<html>Bad Gateway</html>', { status: 502 }));
    const error = await createHttpApi({ fetch }).listParts(session).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ApiError', status: 502, code: 'unknown' });
  });

  it('turns a failed connection into NetworkError (with cause) and an abort into the signal reason', async () => {
    const cause = new TypeError('Failed to fetch');
    const { fetch } = fakeFetch(() => Promise.reject(cause));
    const error = await createHttpApi({ fetch }).listParts(session).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).cause).toBe(cause);

    const controller = new AbortController();
    const reason = new Error('stop');
    controller.abort(reason);
    expect(await createHttpApi({ fetch }).listParts(session, controller.signal).catch((e: unknown) => e)).toBe(reason);
  });

  it('rejects a 2xx answer that does not match the contract', async () => {
    const { fetch } = fakeFetch(() => json(200, { parts: 'nope' }));
    const error = await createHttpApi({ fetch }).sign(session, [{ partNumber: 1 }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadError);
    expect((error as Error).message).toMatch(/unexpected response/);
  });

  it('sends cookies same-origin by default, or to another origin when told', async () => {
    const same = fakeFetch(() => json(201, session));
    await createHttpApi({ fetch: same.fetch }).create({ fileName: 'a', size: 20 });
    expect(same.requests[0]?.credentials).toBe('same-origin');
    const cross = fakeFetch(() => json(201, session));
    await createHttpApi({ fetch: cross.fetch, credentials: 'include' }).create({ fileName: 'a', size: 20 });
    expect(cross.requests[0]?.credentials).toBe('include');
  });

  it("sends the embedding page's token as a bearer token, asked afresh for every call", async () => {
    const { fetch, requests } = fakeFetch(() => json(201, session));
    let token: string | undefined = 'first';
    const api = createHttpApi({ fetch, getToken: async () => token });
    await api.create({ fileName: 'a', size: 20 });
    token = 'renewed';
    await api.create({ fileName: 'a', size: 20 });
    token = undefined;
    await api.create({ fileName: 'a', size: 20 });
    expect(requests.map((r) => r.headers.get('authorization'))).toEqual(['Bearer first', 'Bearer renewed', null]);
  });

  it('treats a getToken that throws as "not signed in"', async () => {
    const { fetch, requests } = fakeFetch(() => json(201, session));
    const api = createHttpApi({ fetch, getToken: () => Promise.reject(new Error('session gone')) });
    const error = await api.create({ fileName: 'a', size: 20 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 401, code: 'login_required', needsSignIn: true });
    expect(requests).toHaveLength(0);
  });

  it('carries the wait a 429 asked for', async () => {
    const { fetch } = fakeFetch(
      () =>
        new Response(JSON.stringify({ error: { code: 'rate_limited', message: 'slow down' } }), {
          status: 429,
          headers: { 'retry-after': '12', ratelimit: '"per-upload"; r=0; t=12' },
        }),
    );
    const error = await createHttpApi({ fetch }).sign(session, [{ partNumber: 1 }]).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 429, code: 'rate_limited', retryAfterMs: 12_000 });
  });

  it('counts a missing or expired login, and a 401 from an auth proxy in front, as "sign in again", not the upload token', () => {
    expect(new ApiError(401, 'login_required', 'x').needsSignIn).toBe(true);
    expect(new ApiError(401, 'login_expired', 'x').needsSignIn).toBe(true);
    expect(new ApiError(401, 'unknown', 'HTTP 401').needsSignIn).toBe(true);
    expect(new ApiError(401, 'token_expired', 'x').needsSignIn).toBe(false);
    expect(new ApiError(401, 'invalid_token', 'x').needsSignIn).toBe(false);
    expect(new ApiError(403, 'forbidden', 'x').needsSignIn).toBe(false);
  });

  it("completes single-PUT uploads made close together in one batch call, each by its own token, one's refusal failing it alone", async () => {
    const single = (token: string): CreateUploadResponse => ({ ...session, uploadId: '', size: 5, partCount: 1, token, single: true });
    const { fetch, requests } = fakeFetch((request) => {
      if (request.url.endsWith(API_ROUTES.completeBatch)) {
        return json(200, {
          results: [
            { completed: { key: 'a', size: 5, etag: '"ea"', downloadUrl: 'https://s3/a' } },
            { status: 422, error: { code: 'etag_mismatch', message: 'not the bytes sent' } },
            { completed: { key: 'c', size: 5, etag: '"ec"', downloadUrl: 'https://s3/c' } },
          ],
        });
      }
      return json(200, { key: 'k', size: 20, etag: '"x"', downloadUrl: 'https://s3/k' });
    });
    const api = createHttpApi({ fetch });
    const outcomes = await Promise.allSettled([
      api.complete(single('token-a'), { parts: [{ partNumber: 1, etag: '"ea"' }] }),
      api.complete(single('token-b'), { parts: [{ partNumber: 1, etag: '"eb"' }] }),
      api.complete(single('token-c'), { parts: [{ partNumber: 1, etag: '"ec"' }] }),
      api.complete(session, { parts: [{ partNumber: 1, etag: '"e"' }], expectedEtag: EXPECTED }),
    ]);
    // The multipart complete goes at once; the batch after the current task.
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual([`POST ${API_ROUTES.complete}`, `POST ${API_ROUTES.completeBatch}`]);
    expect(requests[1]?.headers.has(UPLOAD_TOKEN_HEADER)).toBe(false);
    expect(requests[1]?.body).toEqual({
      uploads: [
        { token: 'token-a', etag: '"ea"' },
        { token: 'token-b', etag: '"eb"' },
        { token: 'token-c', etag: '"ec"' },
      ],
    });
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(outcomes[0]).toMatchObject({ value: { key: 'a', etag: '"ea"' } });
    expect(outcomes[1]).toMatchObject({ reason: { name: 'ApiError', status: 422, code: 'etag_mismatch' } });
    expect(outcomes[2]).toMatchObject({ value: { key: 'c', etag: '"ec"' } });
  });
});
