/**
 * An embedded S3-compatible store on node:http (path-style addressing), for
 * zero-configuration runs and for tests that need real S3 multipart behaviour.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { CorsRule } from './cors.js';
import { answerClientError } from './client-error.js';
import { BodyWriterPool } from './body-writer-pool.js';
import { DiskStore } from './disk-store.js';
import { loadOrCreateCredentials } from './credentials-file.js';
import { DEFAULT_BODY_IDLE_TIMEOUT_MS } from './request-body.js';
import { createRequestHandler } from './request-handler.js';

export { LocalS3Env } from './env.js';
export { readLocalS3Credentials } from './credentials-file.js';
export type { LocalS3Credentials } from './credentials-file.js';
export { LocalS3WorkerError, startLocalS3InWorker } from './worker-thread.js';
export type { WorkerLocalS3Options } from './worker-thread.js';

const DEFAULT_MAX_CONNECTIONS = 512;

export interface LocalS3Options {
  /** Objects, uploads and bucket metadata live here; survives restart. */
  dataDir: string;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0 (random). */
  port?: number;
  /** Default 'us-east-1'. */
  region?: string;
  /**
   * The one key pair the store accepts. Give both or neither; default: random
   * ones made on first start and kept in `<dataDir>/credentials.json`.
   */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Default 'uploads'; created at start if missing. */
  bucket?: string;
  /**
   * CORS rule of the default bucket, applied at every start: AllowedOrigins these, methods
   * GET PUT HEAD POST DELETE, AllowedHeaders *, ExposeHeaders ETag, MaxAgeSeconds 3000. Default ['*'].
   */
  corsOrigins?: string[];
  /** Epoch milliseconds "now" for signature expiry and timestamps; tests inject one. Default Date.now. */
  clock?: () => number;
  /** Receives unexpected errors (answered as 500 InternalError). Default console.error. */
  onInternalError?: (error: unknown) => void;
  /** A request body that sends no byte for this long is refused (400 RequestTimeout) and its connection closed. Default 20 s; 0 never. */
  bodyIdleTimeoutMs?: number;
  /** Connections beyond this many are closed at once. Default 512. */
  maxConnections?: number;
}

export interface LocalS3 {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
  close(): Promise<void>;
}

export function defaultBucketCors(origins: readonly string[]): CorsRule[] {
  return [
    {
      allowedOrigins: [...origins],
      allowedMethods: ['GET', 'PUT', 'HEAD', 'POST', 'DELETE'],
      allowedHeaders: ['*'],
      exposeHeaders: ['ETag'],
      maxAgeSeconds: 3000,
    },
  ];
}

export async function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  const host = options.host ?? '127.0.0.1';
  const region = options.region ?? 'us-east-1';
  if ((options.accessKeyId === undefined) !== (options.secretAccessKey === undefined)) {
    throw new TypeError('startLocalS3: give both accessKeyId and secretAccessKey, or neither');
  }
  const bucket = options.bucket ?? 'uploads';
  const clock = options.clock ?? Date.now;
  const now = (): Date => new Date(clock());
  const dataDir = resolve(options.dataDir);
  const store = await DiskStore.open(dataDir);
  const { accessKeyId, secretAccessKey } =
    options.accessKeyId !== undefined && options.secretAccessKey !== undefined
      ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey }
      : await loadOrCreateCredentials(dataDir);
  const cors = defaultBucketCors(options.corsOrigins ?? ['*']);
  if (!(await store.createBucket(bucket, cors, now()))) await store.setCors(bucket, cors);

  const bodyWriters = new BodyWriterPool();
  bodyWriters.warmUp();
  const handler = createRequestHandler({
    store,
    bodyWriters,
    now,
    region,
    ownerId: 'local-s3-owner',
    credentials: { accessKeyId, secretAccessKey, region },
    bodyIdleTimeoutMs: options.bodyIdleTimeoutMs ?? DEFAULT_BODY_IDLE_TIMEOUT_MS,
    onInternalError: options.onInternalError ?? ((error) => console.error('[local-s3] internal error', error)),
  });
  // requestTimeout 0: a 5 GiB part on a slow link must not be cut off by Node's 300 s default.
  const server = createServer({ requestTimeout: 0, headersTimeout: 60_000, keepAliveTimeout: 5_000 }, handler);
  server.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  server.on('clientError', answerClientError);
  // Expect: 100-continue is answered by the handler once auth and upload checks pass, so a
  // refused request does not make the client send its body first (as S3 does).
  server.on('checkContinue', handler);
  try {
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolveListen();
      });
    });
  } catch (error) {
    await bodyWriters.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const endpointHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    endpoint: `http://${endpointHost}:${port}`,
    region,
    accessKeyId,
    secretAccessKey,
    bucket,
    async close() {
      await new Promise<void>((resolveClose, reject) => {
        server.close((error) => (error ? reject(error) : resolveClose()));
        server.closeAllConnections();
      });
      await bodyWriters.close();
    },
  };
}
