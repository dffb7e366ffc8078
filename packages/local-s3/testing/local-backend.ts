import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalS3 } from '../src/index.js';
import { AWS_EXACT, type S3Backend } from './s3-backend.js';

/** The embedded store on port 0 with a fresh data dir that `close()` deletes. */
export async function startLocalBackend(corsOrigins: string[] | undefined): Promise<S3Backend> {
  const dataDir = await mkdtemp(join(tmpdir(), 'local-s3-test-'));
  try {
    const internalErrors: unknown[] = [];
    const store = await startLocalS3({
      dataDir,
      ...(corsOrigins !== undefined && { corsOrigins }),
      onInternalError: (error) => {
        internalErrors.push(error);
        console.error('[local-s3] internal error', error);
      },
    });
    return {
      name: 'local',
      endpoint: store.endpoint,
      region: store.region,
      accessKeyId: store.accessKeyId,
      secretAccessKey: store.secretAccessKey,
      bucket: store.bucket,
      quirks: AWS_EXACT,
      internalErrors,
      close: async () => {
        await store.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}
