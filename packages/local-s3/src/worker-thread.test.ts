import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalS3WorkerError, startLocalS3InWorker } from './index.js';
import { clientFor } from './test-support.js';

describe('startLocalS3InWorker', () => {
  let sandbox: string;
  beforeEach(async () => {
    sandbox = await mkdtemp(join(tmpdir(), 'local-s3-worker-'));
  });
  afterEach(async () => {
    await rm(sandbox, { recursive: true, force: true });
  });

  it('serves S3 from its own thread, keeps objects in the data dir across a restart, and frees the port on close', async () => {
    const dataDir = join(sandbox, 'data');
    const first = await startLocalS3InWorker({ dataDir, bucket: 'things', accessKeyId: 'worker-key', secretAccessKey: 'worker-secret' });
    expect(first).toMatchObject({ bucket: 'things', accessKeyId: 'worker-key', secretAccessKey: 'worker-secret', region: 'us-east-1' });
    const port = Number(new URL(first.endpoint).port);
    const client = clientFor(first);
    await client.send(new PutObjectCommand({ Bucket: 'things', Key: 'a/b.txt', Body: 'hello from the main thread' }));
    client.destroy();
    await first.close();
    await expect(fetch(first.endpoint)).rejects.toThrow();

    const second = await startLocalS3InWorker({ dataDir, port, bucket: 'things', accessKeyId: 'worker-key', secretAccessKey: 'worker-secret' });
    try {
      const again = clientFor(second);
      const object = await again.send(new GetObjectCommand({ Bucket: 'things', Key: 'a/b.txt' }));
      expect(await object.Body?.transformToString()).toBe('hello from the main thread');
      again.destroy();
    } finally {
      await second.close();
    }
  });

  it('refuses requests signed with other keys, as the in-process store does', async () => {
    const store = await startLocalS3InWorker({ dataDir: join(sandbox, 'data') });
    try {
      const wrong = clientFor({ ...store, secretAccessKey: 'not-the-secret' });
      await expect(wrong.send(new PutObjectCommand({ Bucket: store.bucket, Key: 'x', Body: 'x' }))).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
      wrong.destroy();
    } finally {
      await store.close();
    }
  });

  it('rejects with the listen error when its port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const start = startLocalS3InWorker({ dataDir: join(sandbox, 'data'), port });
      await expect(start).rejects.toBeInstanceOf(LocalS3WorkerError);
      await expect(start).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});
