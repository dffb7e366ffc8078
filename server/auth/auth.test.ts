/**
 * Logins and ownership against a real store: JWT (a locally served JWKS with
 * keys made here, or a PEM key), the trusted-proxy header, per-owner limits
 * and the per-upload rate limit.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES, ApiErrorBody, CompleteBatchResponse, CreateBatchResponse, CreateUploadResponse, UPLOAD_TOKEN_HEADER } from '../../shared/api.js';
import type { SingleUploadResponse } from '../../shared/api.js';
import { startTestApp } from '../../testing/app-harness.js';
import type { TestApp } from '../../testing/app-harness.js';
import { startTestIssuer } from '../../testing/jwt-issuer.js';
import type { TestIssuer } from '../../testing/jwt-issuer.js';
import type { AppConfig } from '../app.js';
import { DEFAULT_JWT_ALGORITHMS } from './auth-config.js';
import type { JwtAuthConfig } from './auth-config.js';
import { startBackends } from '@s3-big-upload/local-s3/testing';

const backends = await startBackends();
let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startTestIssuer();
});
afterAll(async () => {
  await issuer.close();
  await Promise.all(backends.map((b) => b.close()));
});

function jwtAuth(overrides: Partial<JwtAuthConfig> = {}): JwtAuthConfig {
  return {
    mode: 'jwt',
    jwksUrl: issuer.jwksUrl,
    publicKeyPem: undefined,
    issuer: issuer.issuer,
    audience: [issuer.audience],
    algorithms: [...DEFAULT_JWT_ALGORITHMS],
    header: 'authorization',
    cookie: undefined,
    identityClaim: 'sub',
    clockToleranceSeconds: 30,
    ...overrides,
  };
}

interface Answer {
  status: number;
  json: unknown;
  headers: Headers;
}

async function call(app: TestApp, method: string, path: string, init: { headers?: Record<string, string>; body?: unknown } = {}): Promise<Answer> {
  const response = await fetch(`${app.baseUrl}${path}`, {
    method,
    headers: { ...(init.body !== undefined && { 'content-type': 'application/json' }), ...init.headers },
    ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? undefined : JSON.parse(text), headers: response.headers };
}

/** A sign body for part 1 of a 100-byte upload (the checksum mode is md5: each part names its MD5). */
const MD5_OF_100_ZEROS = createHash('md5').update(Buffer.alloc(100)).digest('base64');
const SIGN_PART_1 = { parts: [{ partNumber: 1, md5: MD5_OF_100_ZEROS }] };
const bearer = (jwt: string) => ({ authorization: `Bearer ${jwt}` });
const codeOf = (answer: Answer) => ApiErrorBody.parse(answer.json).error.code;

describe.each(backends)('$name', (backend) => {
  async function withApp(overrides: Partial<AppConfig>, run: (app: TestApp) => Promise<void>): Promise<void> {
    const app = await startTestApp(backend, overrides);
    try {
      await run(app);
    } finally {
      await app.close();
    }
  }

  async function createAs(app: TestApp, headers: Record<string, string>, size = 100): Promise<CreateUploadResponse> {
    const answer = await call(app, 'POST', '/api/uploads', { headers, body: { fileName: 'report.pdf', size } });
    expect(answer.status, JSON.stringify(answer.json)).toBe(201);
    return CreateUploadResponse.parse(answer.json);
  }

  /** One small file (100 zero bytes) created through the batch route as a single-PUT upload. */
  async function createSingleAs(app: TestApp, headers: Record<string, string>): Promise<SingleUploadResponse> {
    const answer = await call(app, 'POST', '/api/uploads/batch', { headers, body: { files: [{ fileName: 'note.txt', size: 100, md5: MD5_OF_100_ZEROS }] } });
    expect(answer.status, JSON.stringify(answer.json)).toBe(201);
    const [result] = CreateBatchResponse.parse(answer.json).results;
    if (result === undefined || !('upload' in result)) throw new Error(`batch refused the file: ${JSON.stringify(answer.json)}`);
    return result.upload;
  }

  /** Every call on the upload (sign, list, complete, cancel) by `other`, with the upload's token, is refused: 403 forbidden. */
  async function expectForbiddenToOthers(app: TestApp, other: Record<string, string>, uploadToken: string): Promise<void> {
    const attempts: [string, string, unknown][] = [
      ['POST', '/api/uploads/sign', SIGN_PART_1],
      ['GET', '/api/uploads/parts', undefined],
      ['POST', '/api/uploads/complete', { parts: [{ partNumber: 1, etag: '"x"' }] }],
      ['DELETE', '/api/uploads', undefined],
    ];
    for (const [method, path, body] of attempts) {
      const answer = await call(app, method, path, { headers: { ...other, [UPLOAD_TOKEN_HEADER]: uploadToken }, body });
      expect([answer.status, codeOf(answer)], `${method} ${path}`).toEqual([403, 'forbidden']);
    }
  }

  describe('JWT mode', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp(backend, { auth: jwtAuth() });
    });
    afterAll(() => app.close());

    it('without a login answers 401 login_required with a JSON error and a Bearer challenge', async () => {
      const answer = await call(app, 'POST', '/api/uploads', { body: { fileName: 'a.txt', size: 1 } });
      expect(answer.status).toBe(401);
      expect(ApiErrorBody.parse(answer.json).error).toEqual({
        code: 'login_required',
        message: 'sign in: this server needs a login token in an Authorization: Bearer header',
      });
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    });

    it('refuses expired, foreign, mis-addressed and malformed tokens', async () => {
      const expired = await call(app, 'POST', '/api/uploads', { headers: bearer(await issuer.token('alice', { expiresIn: -120 })), body: { fileName: 'a', size: 1 } });
      expect([expired.status, codeOf(expired)]).toEqual([401, 'login_expired']);

      const other = await startTestIssuer();
      try {
        const foreign = await call(app, 'POST', '/api/uploads', { headers: bearer(await other.token('alice')), body: { fileName: 'a', size: 1 } });
        expect([foreign.status, codeOf(foreign)]).toEqual([401, 'login_required']);
      } finally {
        await other.close();
      }
      const wrongAudience = await call(app, 'POST', '/api/uploads', { headers: bearer(await issuer.token('alice', { audience: 'another-app' })), body: { fileName: 'a', size: 1 } });
      expect(wrongAudience.status).toBe(401);
      expect(ApiErrorBody.parse(wrongAudience.json).error.message).toMatch(/"aud" claim/);
      const wrongIssuer = await call(app, 'POST', '/api/uploads', { headers: bearer(await issuer.token('alice', { issuer: 'https://evil.example/' })), body: { fileName: 'a', size: 1 } });
      expect(ApiErrorBody.parse(wrongIssuer.json).error.message).toMatch(/"iss" claim/);
      for (const header of ['Bearer', 'Bearer a.b.c', 'Basic YWxpY2U6cHc=', `Bearer ${'x'.repeat(9000)}`]) {
        const answer = await call(app, 'GET', '/api/uploads/parts', { headers: { authorization: header } });
        expect([answer.status, codeOf(answer)], header.slice(0, 20)).toEqual([401, 'login_required']);
      }
    });

    it("stores under the owner's prefix, and another identity cannot sign, list, complete or abort the upload (403)", async () => {
      const alice = bearer(await issuer.token('alice@example.com'));
      const bob = bearer(await issuer.token('bob'));
      const upload = await createAs(app, alice);
      expect(upload.key).toMatch(new RegExp(`^${app.config.keyPrefix}alice!40example\\.com/[0-9a-f-]{36}/report\\.pdf$`));
      const token = { [UPLOAD_TOKEN_HEADER]: upload.token };

      await expectForbiddenToOthers(app, bob, upload.token);

      // Without a login the same calls are 401, before the upload token is even looked at.
      const anonymous = await call(app, 'GET', '/api/uploads/parts', { headers: token });
      expect(anonymous.status).toBe(401);

      const signed = await call(app, 'POST', '/api/uploads/sign', { headers: { ...alice, ...token }, body: SIGN_PART_1 });
      expect(signed.status).toBe(200);
      const listed = await call(app, 'GET', '/api/uploads/parts', { headers: { ...alice, ...token } });
      expect(listed.json).toEqual({ parts: [] });
      const aborted = await call(app, 'DELETE', '/api/uploads', { headers: { ...alice, ...token } });
      expect(aborted.status).toBe(204);
    });

    it("stores a batch-created upload under the owner's prefix, and another identity cannot sign, list, complete or cancel it (403)", async () => {
      const batchWithoutLogin = await call(app, 'POST', '/api/uploads/batch', { body: { files: [{ fileName: 'a', size: 1 }] } });
      expect([batchWithoutLogin.status, codeOf(batchWithoutLogin)]).toEqual([401, 'login_required']);

      const carol = bearer(await issuer.token('carol/ops'));
      const bob = bearer(await issuer.token('bob'));
      const upload = await createSingleAs(app, carol);
      expect(upload.single).toBe(true);
      expect(upload.key).toMatch(new RegExp(`^${app.config.keyPrefix}carol!2fops/[0-9a-f-]{36}/note\\.txt$`));
      const token = { [UPLOAD_TOKEN_HEADER]: upload.token };

      await expectForbiddenToOthers(app, bob, upload.token);

      // Its owner stores it with the URL from create, completes it, and the object is where the key says.
      const put = await fetch(upload.part.url, { method: 'PUT', body: new Uint8Array(100), headers: upload.part.headers });
      expect(put.status).toBe(200);
      // A batch complete checks each token's owner: bob's call gets 403 for carol's upload, and no login gets 401.
      const batchBody = { uploads: [{ token: upload.token, etag: put.headers.get('etag') }] };
      const byBob = await call(app, 'POST', API_ROUTES.completeBatch, { headers: bob, body: batchBody });
      expect(byBob.status).toBe(200);
      expect(CompleteBatchResponse.parse(byBob.json).results).toEqual([{ status: 403, error: { code: 'forbidden', message: 'this upload belongs to another user' } }]);
      const byNobody = await call(app, 'POST', API_ROUTES.completeBatch, { body: batchBody });
      expect([byNobody.status, codeOf(byNobody)]).toEqual([401, 'login_required']);
      const completed = await call(app, 'POST', '/api/uploads/complete', { headers: { ...carol, ...token }, body: { parts: [{ partNumber: 1, etag: put.headers.get('etag') }] } });
      expect(completed.status, JSON.stringify(completed.json)).toBe(200);
      expect(completed.json).toMatchObject({ key: upload.key, size: 100 });
      const cancelled = await call(app, 'DELETE', '/api/uploads', { headers: { ...carol, ...token } });
      expect(cancelled.status).toBe(204);
    });

    it('uses another claim as the identity when configured, and refuses tokens without it', async () => {
      await withApp({ auth: jwtAuth({ identityClaim: 'email' }) }, async (emailApp) => {
        const upload = await createAs(emailApp, bearer(await issuer.token('u-1', { claims: { email: 'carol@example.com' } })));
        expect(upload.key).toContain('/carol!40example.com/');
        const missing = await call(emailApp, 'POST', '/api/uploads', { headers: bearer(await issuer.token('u-2')), body: { fileName: 'a', size: 1 } });
        expect(ApiErrorBody.parse(missing.json).error).toMatchObject({ code: 'login_required', message: expect.stringMatching(/"email" claim must be a non-empty string/) });
      });
    });

    it('reads the token from a configured header (Cloudflare Access) or cookie', async () => {
      await withApp({ auth: jwtAuth({ header: 'cf-access-jwt-assertion', cookie: 'CF_Authorization' }) }, async (cfApp) => {
        const jwt = await issuer.token('dave');
        expect((await createAs(cfApp, { 'cf-access-jwt-assertion': jwt })).key).toContain('/dave/');
        expect((await createAs(cfApp, { cookie: `theme=dark; CF_Authorization=${jwt}` })).key).toContain('/dave/');
        const none = await call(cfApp, 'POST', '/api/uploads', { headers: bearer(jwt), body: { fileName: 'a', size: 1 } });
        expect(ApiErrorBody.parse(none.json).error.message).toBe('sign in: this server needs a login token in the cf-access-jwt-assertion header or the CF_Authorization cookie');
      });
    });

    it('verifies with a configured PEM public key', async () => {
      await withApp({ auth: jwtAuth({ jwksUrl: undefined, publicKeyPem: issuer.publicKeyPem }) }, async (pemApp) => {
        expect((await createAs(pemApp, bearer(await issuer.token('erin')))).key).toContain('/erin/');
        const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
        await withApp({ auth: jwtAuth({ jwksUrl: undefined, publicKeyPem: otherKey }) }, async (wrongKeyApp) => {
          const answer = await call(wrongKeyApp, 'POST', '/api/uploads', { headers: bearer(await issuer.token('erin')), body: { fileName: 'a', size: 1 } });
          expect(ApiErrorBody.parse(answer.json).error).toEqual({ code: 'login_required', message: 'the login token is not signed by the configured identity provider' });
        });
      });
    });

    it('answers 503 auth_unavailable when the JWKS cannot be fetched', async () => {
      await withApp({ auth: jwtAuth({ jwksUrl: 'http://127.0.0.1:9/jwks.json' }) }, async (downApp) => {
        const answer = await call(downApp, 'POST', '/api/uploads', { headers: bearer(await issuer.token('frank')), body: { fileName: 'a', size: 1 } });
        expect([answer.status, codeOf(answer)]).toEqual([503, 'auth_unavailable']);
      });
    });

    it('limits unfinished uploads per owner, counted on the store', async () => {
      await withApp({ auth: jwtAuth(), maxOpenUploads: 2 }, async (limited) => {
        const grace = bearer(await issuer.token('grace'));
        const first = await createAs(limited, grace);
        await createAs(limited, grace);
        const third = await call(limited, 'POST', '/api/uploads', { headers: grace, body: { fileName: 'c', size: 1 } });
        expect([third.status, codeOf(third)]).toEqual([409, 'too_many_uploads']);
        // Another owner has a budget of their own.
        await createAs(limited, bearer(await issuer.token('heidi')));
        // Finishing one (here: aborting) frees a place.
        expect((await call(limited, 'DELETE', '/api/uploads', { headers: { ...grace, [UPLOAD_TOKEN_HEADER]: first.token } })).status).toBe(204);
        await createAs(limited, grace);
      });
    });
  });

  describe('trusted proxy mode', () => {
    it('takes the user from the proxy header when the request comes from a TRUST_PROXY address', async () => {
      await withApp({ auth: { mode: 'proxy', userHeader: 'x-forwarded-user' }, trustProxy: 'loopback' }, async (app) => {
        const upload = await createAs(app, { 'x-forwarded-user': 'ivan' });
        expect(upload.key).toMatch(/\/ivan\/[0-9a-f-]{36}\/report\.pdf$/);
        const mallory = await call(app, 'GET', '/api/uploads/parts', { headers: { 'x-forwarded-user': 'mallory', [UPLOAD_TOKEN_HEADER]: upload.token } });
        expect([mallory.status, codeOf(mallory)]).toEqual([403, 'forbidden']);
        const missing = await call(app, 'POST', '/api/uploads', { body: { fileName: 'a', size: 1 } });
        expect(ApiErrorBody.parse(missing.json).error).toEqual({ code: 'login_required', message: 'sign in: the auth proxy sent no x-forwarded-user header' });
      });
    });

    it('ignores the header from any other address', async () => {
      await withApp({ auth: { mode: 'proxy', userHeader: 'x-forwarded-user' }, trustProxy: '10.0.0.0/8' }, async (app) => {
        const spoofed = await call(app, 'POST', '/api/uploads', { headers: { 'x-forwarded-user': 'ivan', 'x-forwarded-for': '10.0.0.1' }, body: { fileName: 'a', size: 1 } });
        expect([spoofed.status, codeOf(spoofed)]).toEqual([401, 'login_required']);
      });
    });
  });

  describe('rate limits', () => {
    it('budgets calls per upload: one busy upload does not stop another', async () => {
      await withApp({ rateLimitPerUpload: 3 }, async (app) => {
        const a = await createAs(app, {});
        const b = await createAs(app, {});
        const sign = (u: CreateUploadResponse) => call(app, 'POST', '/api/uploads/sign', { headers: { [UPLOAD_TOKEN_HEADER]: u.token }, body: SIGN_PART_1 });
        const statuses = [];
        for (let i = 0; i < 4; i++) statuses.push((await sign(a)).status);
        expect(statuses).toEqual([200, 200, 200, 429]);
        const limited = await sign(a);
        expect(codeOf(limited)).toBe('rate_limited');
        expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(limited.headers.get('ratelimit')).toMatch(/^"per-upload"; r=0; t=\d+$/);
        expect((await sign(b)).status).toBe(200);
      });
    });

    it('budgets single-PUT uploads per upload too: one busy small file does not stop another', async () => {
      await withApp({ rateLimitPerUpload: 2 }, async (app) => {
        const a = await createSingleAs(app, {});
        const b = await createSingleAs(app, {});
        const sign = (u: SingleUploadResponse) => call(app, 'POST', '/api/uploads/sign', { headers: { [UPLOAD_TOKEN_HEADER]: u.token }, body: SIGN_PART_1 });
        const statuses = [];
        for (let i = 0; i < 3; i++) statuses.push((await sign(a)).status);
        expect(statuses).toEqual([200, 200, 429]);
        expect((await sign(b)).status).toBe(200);
      });
    });

    it('counts a batch as one start against the per-person budget', async () => {
      await withApp({ auth: jwtAuth(), rateLimitPerMinute: 2 }, async (app) => {
        const lena = bearer(await issuer.token('lena'));
        await createSingleAs(app, lena);
        await createAs(app, lena);
        const third = await call(app, 'POST', '/api/uploads/batch', { headers: lena, body: { files: [{ fileName: 'a', size: 1 }] } });
        expect([third.status, codeOf(third)]).toEqual([429, 'rate_limited']);
        await createSingleAs(app, bearer(await issuer.token('mia')));
      });
    });

    it('counts starts per signed-in identity, not per address', async () => {
      await withApp({ auth: jwtAuth(), rateLimitPerMinute: 2 }, async (app) => {
        const judy = bearer(await issuer.token('judy'));
        await createAs(app, judy);
        await createAs(app, judy);
        const third = await call(app, 'POST', '/api/uploads', { headers: judy, body: { fileName: 'a', size: 1 } });
        expect([third.status, codeOf(third)]).toEqual([429, 'rate_limited']);
        // Same address, another person.
        await createAs(app, bearer(await issuer.token('ken')));
      });
    });
  });
});
