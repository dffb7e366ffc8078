/** /health is cheap and rate limited; /metrics is off without METRICS_TOKEN and needs it as a bearer token. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorBody } from '../../shared/api.js';
import { startTestApp } from '../../testing/app-harness.js';
import type { TestApp } from '../../testing/app-harness.js';
import { startLocalBackend } from '@s3-big-upload/local-s3/testing';
import type { S3Backend } from '@s3-big-upload/local-s3/testing';
import type { UploadStore } from '../s3/upload-store.js';
import { HEALTH_CACHE_MS } from './ops.js';

const TOKEN = 'metrics-token-0123456789abcdef';
let backend: S3Backend;
beforeAll(async () => {
  backend = await startLocalBackend(undefined);
});
afterAll(() => backend.close());

describe('/metrics', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(backend, { metricsToken: TOKEN });
  });
  afterAll(() => app.close());

  it.each([
    ['no Authorization', {}],
    ['a wrong token', { authorization: `Bearer ${TOKEN}x` }],
    ['a prefix of the token', { authorization: `Bearer ${TOKEN.slice(0, 10)}` }],
    ['basic auth', { authorization: `Basic ${Buffer.from(`a:${TOKEN}`).toString('base64')}` }],
    ['the token without Bearer', { authorization: TOKEN }],
  ])('answers %s with 401 invalid_token and a Bearer challenge', async (_name, headers: Record<string, string>) => {
    const response = await fetch(`${app.baseUrl}/metrics`, { headers });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    expect(ApiErrorBody.parse(await response.json()).error).toMatchObject({ code: 'invalid_token', message: expect.stringMatching(/METRICS_TOKEN/) });
  });

  it('serves Prometheus text with the token', async () => {
    const response = await fetch(`${app.baseUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('uploads_created_total');
  });

  it('is off (404) when METRICS_TOKEN is unset', async () => {
    const open = await startTestApp(backend);
    try {
      const response = await fetch(`${open.baseUrl}/metrics`);
      expect(response.status).toBe(404);
      expect(ApiErrorBody.parse(await response.json()).error.message).toMatch(/set METRICS_TOKEN/);
    } finally {
      await open.close();
    }
  });
});

describe('/health', () => {
  it('asks the store at most once per HEALTH_CACHE_MS, however often it is called', async () => {
    let checks = 0;
    const counting = (store: UploadStore): UploadStore =>
      Object.assign(Object.create(store) as UploadStore, {
        checkBucket: () => {
          checks++;
          return store.checkBucket();
        },
      });
    const app = await startTestApp(backend, {}, { wrapStore: counting });
    try {
      const health = () => fetch(`${app.baseUrl}/health`).then((r) => r.status);
      expect(await Promise.all(Array.from({ length: 30 }, health))).toEqual(Array(30).fill(200));
      for (let i = 0; i < 10; i++) expect(await health()).toBe(200);
      expect(checks).toBe(1);
      app.clock.advance(HEALTH_CACHE_MS);
      expect(await health()).toBe(200);
      expect(checks).toBe(2);
    } finally {
      await app.close();
    }
  });

  it('is rate limited with the same budget as the API, in its own count', async () => {
    const app = await startTestApp(backend, { rateLimitPerMinute: 3 });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await fetch(`${app.baseUrl}/health`)).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect((await fetch(`${app.baseUrl}/metrics`)).status).toBe(429);
      // The API's own budget is untouched.
      expect((await fetch(`${app.baseUrl}/api/config`)).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
