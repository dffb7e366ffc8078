import { describe, expect, it } from 'vitest';
import { ApiError, ResumeUnavailableError } from './errors.js';
import type { UploadSession } from './types.js';
import { fakeFile } from './testing/fake-api.js';
import { createHarness, track } from './testing/engine-harness.js';
import { flush } from './testing/flush.js';

/** Answers every part PUT until none is left; returns the part numbers sent. */
async function storeAll(transport: ReturnType<typeof createHarness>['transport']): Promise<number[]> {
  const sent: number[] = [];
  for (;;) {
    const pending = await transport.pending();
    if (pending.length === 0) return sent;
    const request = await transport.nextRequest();
    sent.push(request.partNumber);
    request.respond(); // the ETag a store gives: the MD5 of the bytes
  }
}

describe('resuming a session that can no longer be resumed', () => {
  async function pausedSession(harness: ReturnType<typeof createHarness>, size: number): Promise<UploadSession> {
    return harness.api.create({ fileName: 'old.bin', size });
  }

  it('a token past its expiry starts over without asking the server about the old upload, and says why', async () => {
    const harness = createHarness();
    const { uploader, api, clock, transport } = harness;
    const old = await pausedSession(harness, 30);
    await clock.advance(old.expiresAt - clock.now());
    const reasons: ResumeUnavailableError[] = [];
    const sessions: UploadSession[] = [];
    const done = track(uploader.upload(fakeFile('old.bin', 30), { session: old, onStartOver: (r) => reasons.push(r), onSession: (s) => sessions.push(s) }));
    expect(await storeAll(transport)).toEqual([1, 2, 3]);
    await flush();
    expect(done.state).toBe('resolved');
    expect(reasons.map((r) => r.reason)).toEqual(['expired']);
    expect(api.callsOf('listParts')).toHaveLength(0);
    expect(sessions.map((s) => s.uploadId)).toEqual(['upload-2']);
    expect(api.callsOf('complete')[0]?.uploadId).toBe('upload-2');
  });

  it.each([
    ['token_expired', 401, 'expired'],
    ['no_such_upload', 404, 'gone'],
    ['invalid_token', 401, 'gone'],
  ] as const)('ListParts answering %s starts a new upload and reports "%s"', async (code, status, reason) => {
    const harness = createHarness();
    const { uploader, api, transport } = harness;
    const old = await pausedSession(harness, 20);
    api.fail('listParts', new ApiError(status, code, 'refused'));
    const reasons: ResumeUnavailableError[] = [];
    const done = track(uploader.upload(fakeFile('old.bin', 20), { session: old, onStartOver: (r) => reasons.push(r) }));
    expect(await storeAll(transport)).toEqual([1, 2]);
    await flush();
    expect(done.state).toBe('resolved');
    expect(reasons).toHaveLength(1);
    expect(reasons[0]?.reason).toBe(reason);
    expect(reasons[0]?.cause).toBeInstanceOf(ApiError);
    expect(api.callsOf('create')).toHaveLength(2);
    expect(api.callsOf('complete')[0]?.uploadId).toBe('upload-2');
  });

  it('a ListParts failure that can succeed on retry is retried, not taken for a lost upload', async () => {
    const harness = createHarness();
    const { uploader, api, transport, clock } = harness;
    const old = await pausedSession(harness, 20);
    api.stored = [{ partNumber: 1, size: 10, etag: '"a63c90cc3684ad8b0a2176a6a8fe9005"' }]; // MD5 of ten zero bytes
    api.fail('listParts', new ApiError(503, 'storage_unavailable', 'busy'));
    const reasons: ResumeUnavailableError[] = [];
    const done = track(uploader.upload(fakeFile('old.bin', 20), { session: old, onStartOver: (r) => reasons.push(r) }));
    await flush();
    await clock.advance(100);
    expect(await storeAll(transport)).toEqual([2]);
    await flush();
    expect(done.state).toBe('resolved');
    expect(reasons).toEqual([]);
    expect(api.callsOf('create')).toHaveLength(1);
    expect(api.callsOf('listParts')).toHaveLength(2);
  });

  it('any other refusal of ListParts fails the resume (nothing created)', async () => {
    const harness = createHarness();
    const { uploader, api } = harness;
    const old = await pausedSession(harness, 20);
    const refusal = new ApiError(400, 'invalid_request', 'no');
    api.fail('listParts', refusal);
    await expect(uploader.upload(fakeFile('old.bin', 20), { session: old })).rejects.toBe(refusal);
    expect(api.callsOf('create')).toHaveLength(1);
  });
});
