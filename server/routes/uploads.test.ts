/**
 * Route behaviour that real stores rarely show on demand, with a scripted
 * fake store: a part landing after an abort, and a store that never lets go.
 */
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredPart } from '../../shared/api.js';
import { UPLOAD_TOKEN_HEADER } from '../../shared/api.js';
import { createApp } from '../app.js';
import { testAppConfig } from '../../testing/app-harness.js';
import { createMetrics } from '../metrics.js';
import { UploadNotFoundError } from '../errors.js';
import type { PendingUpload, StoredObject, UploadRef, UploadStore } from '../s3/upload-store.js';
import { signUploadToken } from '../upload-token.js';

const SECRET = 'route-test-secret-0123456789abcdef0123';
const NOW = 1_800_000_000_000;

/** A store whose ListParts answers come from a script, one per call; calls are recorded. */
class ScriptedStore implements UploadStore {
  readonly bucket = 'fake';
  readonly calls: string[] = [];
  constructor(private readonly listAnswers: (StoredPart[] | 'gone')[]) {}
  async createUpload(): Promise<UploadRef & { etagIsMd5: boolean }> {
    throw new Error('not scripted');
  }
  async signPart(): Promise<string> {
    throw new Error('not scripted');
  }
  async signPut(): Promise<string> {
    throw new Error('not scripted');
  }
  async listParts(): Promise<StoredPart[]> {
    this.calls.push('list');
    const answer = this.listAnswers.shift() ?? 'gone';
    if (answer === 'gone') throw new UploadNotFoundError();
    return answer;
  }
  async completeUpload(): Promise<{ etag: string; etagIsMd5: boolean }> {
    throw new Error('not scripted');
  }
  async deleteObject(): Promise<void> {
    throw new Error('not scripted');
  }
  async abortUpload(): Promise<void> {
    this.calls.push('abort');
  }
  async listUploads(): Promise<PendingUpload[]> {
    return [];
  }
  async countUploads(): Promise<number> {
    return 0;
  }
  async headObject(): Promise<StoredObject> {
    throw new Error('not scripted');
  }
  async presignGet(): Promise<string> {
    throw new Error('not scripted');
  }
  async checkBucket(): Promise<void> {}
}

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function abortWith(store: ScriptedStore) {
  const metrics = createMetrics();
  const app = createApp({
    config: testAppConfig({ tokenSecret: SECRET }),
    store,
    clock: { now: () => NOW },
    logger: pino({ level: 'silent' }),
    metrics,
    storageOrigin: 'http://127.0.0.1:1',
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  const token = signUploadToken({ uploadId: 'u1', key: 'uploads/x/a.bin', size: 10, partSize: 5 * 1024 * 1024, expiresAt: NOW + 1000 }, SECRET);
  const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/uploads`, {
    method: 'DELETE',
    headers: { [UPLOAD_TOKEN_HEADER]: token },
  });
  const aborted = await metrics.registry.getSingleMetricAsString('uploads_aborted_total');
  return { status: response.status, body: await response.text(), aborted };
}

describe('DELETE /api/uploads', () => {
  it('aborts again when a racing part landed after the first abort', async () => {
    const store = new ScriptedStore([[{ partNumber: 1, size: 10, etag: '"e"' }], 'gone']);
    const result = await abortWith(store);
    expect(result.status).toBe(204);
    expect(store.calls).toEqual(['abort', 'list', 'abort', 'list']);
    expect(result.aborted).toMatch(/uploads_aborted_total 1$/);
  });

  it('answers 503 storage_unavailable when parts keep reappearing', async () => {
    const part = { partNumber: 1, size: 10, etag: '"e"' };
    const store = new ScriptedStore([[part], [part], [part], [part]]);
    const result = await abortWith(store);
    expect(result.status).toBe(503);
    expect(JSON.parse(result.body)).toEqual({ error: { code: 'storage_unavailable', message: expect.any(String) } });
    expect(store.calls).toEqual(['abort', 'list', 'abort', 'list', 'abort', 'list']);
  });
});
