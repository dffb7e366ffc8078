/**
 * Starts the app on port 0 against a test backend, for integration tests.
 * Wires the same pieces server/main.ts does.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { S3Client } from '@aws-sdk/client-s3';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { createApp } from '../server/app.js';
import type { AppConfig, AppDeps } from '../server/app.js';
import { answerMalformedRequest } from '../server/malformed-request.js';
import { createMetrics } from '../server/metrics.js';
import type { Metrics } from '../server/metrics.js';
import { createS3Client } from '../server/s3/client.js';
import { S3UploadStore } from '../server/s3/s3-upload-store.js';
import type { UploadStore } from '../server/s3/upload-store.js';
import type { S3Backend } from '@s3-big-upload/local-s3/testing';

export interface FakeClock {
  now(): number;
  advance(ms: number): void;
}

export function createFakeClock(start = Date.now()): FakeClock {
  let now = start;
  return { now: () => now, advance: (ms) => void (now += ms) };
}

export interface TestApp {
  baseUrl: string;
  config: AppConfig;
  clock: FakeClock;
  metrics: Metrics;
  s3: S3Client;
  /** The app's store seam, over the same client. */
  store: UploadStore;
  bucket: string;
  close(): Promise<void>;
}

export const TEST_SECRET = 'integration-test-secret-0123456789abcdef';

/** App settings for tests: 5 MiB parts, 1 GiB files, no rate limit. */
export function testAppConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return {
    keyPrefix: 'uploads/',
    partSize: 5 * 1024 * 1024,
    maxFileSize: 1024 ** 3,
    allowedContentTypes: [],
    tokenSecret: TEST_SECRET,
    uploadTtlMs: 3_600_000,
    presignTtlSeconds: 900,
    downloadTtlSeconds: 600,
    publicOrigin: 'http://localhost:3000',
    concurrency: 6,
    checksumMode: 'md5',
    partIdleTimeoutMs: 30_000,
    rateLimitPerMinute: 0,
    rateLimitPerUpload: 0,
    trustProxy: false,
    metricsToken: undefined,
    auth: { mode: 'none' },
    maxOpenUploads: 0,
    ...overrides,
  };
}

export interface TestAppOptions {
  /** Where the app logs (pino); default silent, or LOG_LEVEL to stdout. */
  logger?: Logger;
  /** Wraps the real store, e.g. to count calls. */
  wrapStore?: (store: UploadStore) => UploadStore;
  /** Serve this folder as the built client. */
  staticDir?: string;
  bodyIdleTimeoutMs?: number;
  /** Shared counting store for the rate limits (a real Redis, as replicas use). */
  rateLimitStore?: AppDeps['rateLimitStore'];
}

export async function startTestApp(backend: S3Backend, overrides: Partial<AppConfig> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const config = testAppConfig({ keyPrefix: `test-${randomUUID().slice(0, 8)}/`, ...overrides });
  const s3 = createS3Client({ endpoint: backend.endpoint, region: backend.region, accessKeyId: backend.accessKeyId, secretAccessKey: backend.secretAccessKey });
  const clock = createFakeClock();
  const metrics = createMetrics();
  const real = new S3UploadStore({ client: s3, bucket: backend.bucket });
  const store = options.wrapStore ? options.wrapStore(real) : real;
  const app = createApp({
    config,
    store,
    clock,
    logger: options.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'silent' }),
    metrics,
    storageOrigin: new URL(backend.endpoint).origin,
    ...(options.staticDir !== undefined && { staticDir: options.staticDir }),
    ...(options.bodyIdleTimeoutMs !== undefined && { bodyIdleTimeoutMs: options.bodyIdleTimeoutMs }),
    ...(options.rateLimitStore !== undefined && { rateLimitStore: options.rateLimitStore }),
  });
  const server = app.listen(0, '127.0.0.1');
  server.on('clientError', answerMalformedRequest);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    config,
    clock,
    metrics,
    s3,
    store,
    bucket: backend.bucket,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      s3.destroy();
    },
  };
}
