/** Shared setup for the local-s3 tests: a store on port 0 in a temp dir, and SDK clients for it. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { startLocalS3 } from './index.js';
import type { LocalS3, LocalS3Options } from './index.js';

export interface TestStore {
  s3: LocalS3;
  /** A fresh temp folder holding only dataDir, so a test can prove nothing is written beside it. */
  sandbox: string;
  dataDir: string;
  /** Client with checksums only when required (no aws-chunked). */
  client: S3Client;
  /** The SDK's defaults (aws-chunked for streams, CRC32 checksums). */
  defaultClient: S3Client;
  /** A settable clock in epoch ms. */
  clock: { now: number };
  /** Unexpected errors the store answered with 500; stop() fails if there are any. */
  internalErrors: unknown[];
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export function clientFor(s3: LocalS3, extra: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    ...extra,
  });
}

export async function startTestStore(options: Partial<LocalS3Options> = {}): Promise<TestStore> {
  const sandbox = await mkdtemp(join(tmpdir(), 'local-s3-test-'));
  const dataDir = join(sandbox, 'data');
  const clock = { now: Date.now() };
  const internalErrors: unknown[] = [];
  const start = (port = 0): Promise<LocalS3> =>
    startLocalS3({ dataDir, port, clock: () => clock.now, onInternalError: (error) => internalErrors.push(error), ...options });
  let s3 = await start();
  const store: TestStore = {
    s3,
    sandbox,
    dataDir,
    client: clientFor(s3, { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }),
    defaultClient: clientFor(s3),
    clock,
    internalErrors,
    async restart() {
      await s3.close();
      s3 = await start(Number(new URL(s3.endpoint).port));
      store.s3 = s3;
    },
    async stop() {
      store.client.destroy();
      store.defaultClient.destroy();
      await s3.close();
      await rm(sandbox, { recursive: true, force: true });
      if (internalErrors.length > 0) throw new Error(`the store hit ${internalErrors.length} internal error(s)`, { cause: internalErrors[0] });
    },
  };
  return store;
}
