/**
 * The rate limits shared through a real Redis (started here on a free port):
 * two app instances count against one budget, as replicas do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorBody } from '../shared/api.js';
import { startTestApp } from '../testing/app-harness.js';
import type { TestApp } from '../testing/app-harness.js';
import { redisAvailable, startRedis } from '../testing/redis-server.js';
import type { TestRedis } from '../testing/redis-server.js';
import { connectRateLimitRedis, RedisUnavailableError } from './rate-limit-redis.js';
import type { RateLimitRedis } from './rate-limit-redis.js';
import { startLocalBackend } from '@s3-big-upload/local-s3/testing';
import type { S3Backend } from '@s3-big-upload/local-s3/testing';

describe.skipIf(!redisAvailable())('rate limits in Redis', () => {
  let redis: TestRedis;
  let backend: S3Backend;
  const connections: RateLimitRedis[] = [];
  const apps: TestApp[] = [];
  beforeAll(async () => {
    [redis, backend] = await Promise.all([startRedis(), startLocalBackend(['*'])]);
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await Promise.all(connections.map((c) => c.close()));
    await redis.stop();
    await backend.close();
  });

  async function replica(limits: { rateLimitPerMinute: number }): Promise<TestApp> {
    const connection = await connectRateLimitRedis(redis.url, () => undefined);
    connections.push(connection);
    const app = await startTestApp(backend, { ...limits, keyPrefix: 'shared/' }, { rateLimitStore: connection.storeFor });
    apps.push(app);
    return app;
  }

  it('two replicas count one client against one budget', async () => {
    const [a, b] = [await replica({ rateLimitPerMinute: 4 }), await replica({ rateLimitPerMinute: 4 })];
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await fetch(`${(i % 2 === 0 ? a : b).baseUrl}/api/config`)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    const refused = await fetch(`${a.baseUrl}/api/config`);
    expect(ApiErrorBody.parse(await refused.json()).error.code).toBe('rate_limited');
    expect(refused.headers.get('ratelimit')).toMatch(/^"per-client"; r=0; t=\d+$/);
  });

  it('refuses to start against a Redis that does not answer, naming it without its password', async () => {
    const error = await connectRateLimitRedis('redis://:secret@127.0.0.1:9/0', () => undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisUnavailableError);
    expect((error as Error).message).toMatch(/^RATE_LIMIT_REDIS_URL: Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:9\/0 does not answer/);
  });
});
