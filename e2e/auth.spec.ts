/**
 * Logins through the real UI: the app in JWT mode against an identity
 * provider served here (keys made by the test). "Signing in" is what an auth
 * proxy or the provider's redirect does for a person: it sets the login
 * cookie. The upload waits while the login is expired, another person's token
 * cannot touch it, and it completes after the person signs in again.
 */
import { basename } from 'node:path';
import type { BrowserContext } from '@playwright/test';
import { ApiErrorBody, API_ROUTES, CreateUploadResponse, UPLOAD_TOKEN_HEADER } from '../shared/api.js';
import { startAppServer } from '../testing/app-server.js';
import type { AppServer } from '../testing/app-server.js';
import { openBucket } from '../testing/bucket.js';
import type { BucketView } from '../testing/bucket.js';
import { startTestIssuer } from '../testing/jwt-issuer.js';
import type { TestIssuer } from '../testing/jwt-issuer.js';
import { sha256OfFile, testFile } from '../testing/test-file.js';
import { chooseFile, expect, expectStoredIntact, fileCard, test, throttleUpload } from './fixtures.js';

const MiB = 1024 * 1024;
const LOGIN_COOKIE = 'upload_login';

let issuer: TestIssuer;
let app: AppServer;
let bucket: BucketView;

test.beforeAll(async () => {
  issuer = await startTestIssuer();
  app = await startAppServer(issuer.env({ JWT_COOKIE: LOGIN_COOKIE }));
  bucket = openBucket(app);
});

test.afterAll(async () => {
  bucket.close();
  await app.stop();
  await issuer.close();
});

async function signIn(context: BrowserContext, jwt: string): Promise<void> {
  await context.addCookies([{ name: LOGIN_COOKIE, value: jwt, url: app.url, httpOnly: true, sameSite: 'Lax' }]);
}

async function api(method: string, route: string, headers: Record<string, string>, body?: unknown) {
  const response = await fetch(`${app.url}${route}`, {
    method,
    headers: { ...headers, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

test('a signed-in person uploads; an expired login waits for sign-in; another identity gets 403 and no login 401', async ({ page, context }) => {
  const path = await testFile(200 * 1000 * 1000);
  await signIn(context, await issuer.token('alice@example.com'));
  await page.goto(app.url);
  await throttleUpload(page, 40 * MiB);

  const created = page.waitForResponse((r) => r.url().endsWith(API_ROUTES.uploads) && r.request().method() === 'POST');
  await chooseFile(page, path);
  const upload = CreateUploadResponse.parse(await (await created).json());
  expect(upload.key).toMatch(/^uploads\/alice!40example\.com\/[0-9a-f-]{36}\/random-200000000\.bin$/);
  const card = fileCard(page, basename(path));
  await expect(card.getByText('Uploading', { exact: true })).toBeVisible();

  // The login expires while the parts are on their way: the next sign (or complete) call meets 401 login_expired.
  await signIn(context, await issuer.token('alice@example.com', { expiresIn: -120 }));
  await expect(card.getByText('Waiting for sign-in', { exact: true })).toBeVisible({ timeout: 60_000 });
  await expect(card.getByRole('status')).toHaveText(/Your login is missing or has expired\. Sign in again/);
  await expect(card.getByRole('alert')).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath('waiting-for-sign-in.png') });

  // Meanwhile the upload is alive on the store, and only its owner may touch it.
  expect((await bucket.multipartUploads()).map((u) => u.key)).toEqual([upload.key]);
  const bob = { authorization: `Bearer ${await issuer.token('bob')}`, [UPLOAD_TOKEN_HEADER]: upload.token };
  const calls: [string, string, unknown][] = [
    ['POST', API_ROUTES.sign, { parts: [{ partNumber: 1 }] }],
    ['GET', API_ROUTES.parts, undefined],
    ['POST', API_ROUTES.complete, { parts: [{ partNumber: 1, etag: '"x"' }] }],
    ['DELETE', API_ROUTES.uploads, undefined],
  ];
  for (const [method, route, body] of calls) {
    const answer = await api(method, route, bob, body);
    expect([answer.status, ApiErrorBody.parse(answer.json).error.code], `${method} ${route}`).toEqual([403, 'forbidden']);
  }
  const anonymous = await api('GET', API_ROUTES.parts, { [UPLOAD_TOKEN_HEADER]: upload.token });
  expect(anonymous.status).toBe(401);
  expect(ApiErrorBody.parse(anonymous.json).error).toEqual({
    code: 'login_required',
    message: `sign in: this server needs a login token in an Authorization: Bearer header or the ${LOGIN_COOKIE} cookie`,
  });
  expect((await bucket.multipartUploads()).map((u) => u.key)).toEqual([upload.key]);

  // Signing in again: the same upload completes, nothing sent twice is needed.
  await signIn(context, await issuer.token('alice@example.com'));
  expect(await expectStoredIntact(page, bucket, basename(path), await sha256OfFile(path))).toBe(upload.key);
});
