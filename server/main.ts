/**
 * Starts the server: config, the embedded store when S3_ENDPOINT is unset,
 * startup checks, the janitor timer, then listens. Graceful shutdown on
 * SIGINT/SIGTERM.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { createApp } from './app.js';
import { isLoopbackHost } from './auth/auth-config.js';
import { systemClock } from './clock.js';
import { ConfigError, loadConfig } from './config.js';
import { loadEnvFile } from './env-file.js';
import type { Config } from './config.js';
import { runJanitorPass, startJanitor } from './janitor.js';
import { startLocalS3InWorker } from '@s3-big-upload/local-s3';
import type { LocalS3 } from '@s3-big-upload/local-s3';
import { answerMalformedRequest } from './malformed-request.js';
import { createMetrics } from './metrics.js';
import { connectRateLimitRedis, RedisUnavailableError } from './rate-limit-redis.js';
import type { RateLimitRedis } from './rate-limit-redis.js';
import { createS3Client } from './s3/client.js';
import { S3UploadStore } from './s3/s3-upload-store.js';
import { runStartupChecks } from './startup-checks.js';
import { loadOrCreateTokenSecret } from './token-secret-file.js';

/** Where browsers PUT parts: the endpoint, or the bucket's subdomain with virtual-hosted addressing. */
function storageOriginOf(endpoint: string, bucket: string, forcePathStyle: boolean): string {
  const url = new URL(endpoint);
  if (!forcePathStyle) url.hostname = `${bucket}.${url.hostname}`;
  return url.origin;
}

const CLIENT_DIR = fileURLToPath(new URL('../dist/client', import.meta.url));
const SHUTDOWN_GRACE_MS = 10_000;

function loadConfigOrExit(): Config {
  try {
    loadEnvFile();
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const loaded = loadConfigOrExit();
  const logger = pino({ level: loaded.logLevel });
  const tokenSecretPath = join(dirname(loaded.localS3Dir), 'token-secret');
  // With the embedded store (TOKEN_SECRET may only be unset then), keep the secret on disk so uploads survive restarts.
  const config = loaded.tokenSecretGenerated ? { ...loaded, tokenSecret: await loadOrCreateTokenSecret(tokenSecretPath) } : loaded;

  let local: LocalS3 | undefined;
  if (config.s3.endpoint === undefined) {
    // On its own thread: hashing and writing part bodies must not delay the API's answers.
    local = await startLocalS3InWorker({
      dataDir: config.localS3Dir,
      port: config.localS3Port,
      host: config.localS3Host,
      corsOrigins: config.localS3CorsOrigins ?? loopbackAliases(config.publicOrigin),
      bucket: config.s3.bucket,
      region: config.s3.region,
      onInternalError: (error) => logger.error({ err: error }, 'embedded S3 store: internal error'),
      onUnexpectedExit: (error) => {
        logger.fatal({ err: error }, 'embedded S3 store stopped; the server cannot work without it');
        process.exit(1);
      },
    });
    logger.info({ endpoint: local.endpoint, dataDir: config.localS3Dir }, 'S3_ENDPOINT unset: started the embedded S3 store on its own thread');
  }
  if (config.tokenSecretGenerated) logger.info({ path: tokenSecretPath }, 'TOKEN_SECRET unset: using the embedded store\'s secret file');
  const connection = local
    ? { endpoint: local.endpoint, region: local.region, accessKeyId: local.accessKeyId, secretAccessKey: local.secretAccessKey, bucket: local.bucket, forcePathStyle: true }
    : { ...config.s3, endpoint: config.s3.endpoint };
  const s3 = createS3Client({
    region: connection.region,
    forcePathStyle: connection.forcePathStyle,
    ...(connection.endpoint !== undefined && { endpoint: connection.endpoint }),
    ...(connection.accessKeyId !== undefined && connection.secretAccessKey !== undefined && {
      accessKeyId: connection.accessKeyId,
      secretAccessKey: connection.secretAccessKey,
    }),
  });
  const endpoint = connection.endpoint ?? `https://s3.${connection.region}.amazonaws.com`;

  const check = await runStartupChecks({ s3, bucket: connection.bucket, endpoint, publicOrigin: config.publicOrigin });
  if (!check.ok) {
    console.error(`startup check failed: ${check.problem}`);
    s3.destroy();
    await local?.close();
    process.exit(1);
  }
  for (const warning of check.warnings) logger.warn(warning);

  let redis: RateLimitRedis | undefined;
  if (config.rateLimitRedisUrl !== undefined) {
    try {
      redis = await connectRateLimitRedis(config.rateLimitRedisUrl, (error) => logger.warn({ err: error }, 'rate-limit Redis error; requests pass unlimited until it is back'));
    } catch (error) {
      if (!(error instanceof RedisUnavailableError)) throw error;
      console.error(`startup check failed: ${error.message}`);
      s3.destroy();
      await local?.close();
      process.exit(1);
    }
    logger.info('rate limits count in Redis, shared by every replica');
  }

  if (config.auth.mode === 'none' && !isLoopbackHost(config.host)) {
    logger.warn({ host: config.host }, 'AUTH_MODE=none with ALLOW_OPEN=true: anyone who reaches this server can upload');
  }

  const metrics = createMetrics({ collectDefaults: true });
  const staticDir = existsSync(CLIENT_DIR) ? CLIENT_DIR : undefined;
  if (staticDir === undefined) logger.warn(`no built client at ${CLIENT_DIR}; run \`npm run build\` to serve the UI`);
  const store = new S3UploadStore({ client: s3, bucket: connection.bucket });
  const app = createApp({
    config,
    store,
    clock: systemClock,
    logger,
    metrics,
    storageOrigin: storageOriginOf(endpoint, connection.bucket, connection.forcePathStyle),
    ...(staticDir !== undefined && { staticDir }),
    ...(redis !== undefined && { rateLimitStore: redis.storeFor }),
  });

  const janitorPass = async () => {
    try {
      const result = await runJanitorPass({
        store,
        prefix: config.keyPrefix,
        ttlMs: config.uploadTtlMs,
        clock: systemClock,
        onAbort: () => metrics.janitorAborts.inc(),
      });
      logger.info({ scanned: result.scanned, aborted: result.aborted, failed: result.failed }, 'janitor pass');
    } catch (error) {
      logger.warn({ err: error }, 'janitor pass failed; the next one retries');
    }
  };
  const stopJanitor = config.janitorIntervalMs > 0 ? startJanitor({ intervalMs: config.janitorIntervalMs, pass: janitorPass }) : () => {};
  if (config.janitorIntervalMs > 0) void janitorPass();

  const server: Server = app.listen(config.port, config.host);
  server.on('clientError', answerMalformedRequest);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  logger.info({ url: `http://${config.host}:${port}`, publicOrigin: config.publicOrigin, auth: config.auth.mode }, 'listening');
  console.log(`\n  Upload files at ${config.publicOrigin}\n`);

  let shuttingDown = false;
  const shutdown = (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down');
    stopJanitor();
    const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    force.unref();
    const stopped = async () => {
      s3.destroy();
      await redis?.close();
      await local?.close();
      logger.info('stopped');
    };
    server.close(() => {
      stopped().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
    server.closeIdleConnections();
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

/**
 * The embedded store's CORS allows the public origin, and on loopback its
 * other spelling too: http://localhost:3000 and http://127.0.0.1:3000 are
 * different origins to a browser, and a person may open either.
 */
function loopbackAliases(origin: string): string[] {
  const url = new URL(origin);
  const names = ['localhost', '127.0.0.1'];
  if (!names.includes(url.hostname)) return [origin];
  return names.map((hostname) => Object.assign(new URL(origin), { hostname }).origin);
}

main().catch((error: unknown) => {
  console.error('server failed to start:', error);
  process.exit(1);
});
