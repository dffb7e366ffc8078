/**
 * The rate limits' counts in Redis, so every replica counts against the same
 * budget (rate-limit-redis over node-redis). Connected once at startup; a
 * Redis that goes away later lets requests through (logged) until it is back.
 */
import { RedisStore } from 'rate-limit-redis';
import { createClient } from 'redis';
import type { RateLimitStoreFactory } from './middleware/rate-limits.js';

export const RATE_LIMIT_KEY_PREFIX = 's3-big-upload:rate-limit:';
const CONNECT_TIMEOUT_MS = 5000;

export interface RateLimitRedis {
  storeFor: RateLimitStoreFactory;
  close(): Promise<void>;
}

export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
}

/** Connects and PINGs; rejects with RedisUnavailableError (URL without its password) when Redis does not answer. */
export async function connectRateLimitRedis(url: string, onError: (error: unknown) => void): Promise<RateLimitRedis> {
  let connecting = true;
  const client = createClient({
    url,
    socket: {
      connectTimeout: CONNECT_TIMEOUT_MS,
      // At startup a refused connection is an answer: fail at once. Later, keep trying with backoff.
      reconnectStrategy: (retries: number, cause: Error) => (connecting ? cause : Math.min(100 * 2 ** retries, 5000)),
    },
  });
  let firstError: unknown;
  client.on('error', (error: unknown) => {
    if (connecting) firstError ??= error;
    else onError(error);
  });
  const where = redactPassword(url);
  try {
    await withTimeout(client.connect(), CONNECT_TIMEOUT_MS);
    await withTimeout(client.ping(), CONNECT_TIMEOUT_MS);
  } catch (error) {
    if (client.isOpen) client.destroy();
    const detail = firstError instanceof Error ? firstError.message : error instanceof Error ? error.message : String(error);
    throw new RedisUnavailableError(`RATE_LIMIT_REDIS_URL: Redis at ${where} does not answer (${detail})`, { cause: firstError ?? error });
  }
  connecting = false;
  return {
    storeFor: (name) => new RedisStore({ prefix: `${RATE_LIMIT_KEY_PREFIX}${name}:`, sendCommand: (...args: string[]) => client.sendCommand(args) }),
    async close() {
      await client.close().catch(() => client.destroy());
    },
  };
}

function redactPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
