import { ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer } from '../../testing/app-server.js';
import type { AppServer } from '../../testing/app-server.js';
import { MiB } from '../../shared/limits.js';
import { runBusyApi } from './busy-api.js';

describe('runBusyApi against the real server', () => {
  let server: AppServer;
  beforeAll(async () => {
    server = await startAppServer({ RATE_LIMIT: '0', MAX_OPEN_UPLOADS: '0' });
  }, 60_000);
  afterAll(() => server.stop());

  it('moves bytes, times every probe call, and leaves no multipart upload behind', async () => {
    const run = await runBusyApi({ baseUrl: server.url, movers: 2, partSize: 8 * MiB, probesPerSecond: 10, windowMs: 1000, probeBytes: 1024 });
    expect(run.moverErrors).toEqual([]);
    expect(run.probeErrors).toEqual([]);
    expect(run.moverMegabytesPerSecond).toBeGreaterThan(0);
    expect(run.probes).toBeGreaterThanOrEqual(9);
    for (const type of ['create', 'sign', 'complete'] as const) expect(run.latencies[type]).toHaveLength(run.probes);
    const { endpoint, region, accessKeyId, secretAccessKey, bucket } = server.s3;
    const s3 = new S3Client({ endpoint, region, credentials: { accessKeyId, secretAccessKey }, forcePathStyle: true });
    try {
      const left = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
      expect(left.Uploads ?? []).toEqual([]);
    } finally {
      s3.destroy();
    }
  }, 60_000);
});
