import { describe, expect, it } from 'vitest';
import { ApiError, MissingEtagError, NetworkError, PartIdleError, PartUploadError } from './errors.js';
import { backoffDelay, isExpiredUrlResponse } from './retry.js';
import { fakeFile } from './testing/fake-api.js';
import { createHarness, track } from './testing/engine-harness.js';
import { flush } from './testing/flush.js';

const EXPIRED_BODY = '<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>';
/** Ceph RGW 16 answers an expired URL like this (see the conformance suite's expiredUrlMessageMissing quirk). */
const RGW_ACCESS_DENIED = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message></Message><BucketName>uploads</BucketName><RequestId>tx1</RequestId></Error>';
/** S3's answer when a bucket policy denies the PUT: not an expiry. */
const POLICY_DENIED = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>R1</RequestId></Error>';

describe('isExpiredUrlResponse', () => {
  it("is S3's expired message, or RGW's empty-message AccessDenied for a URL not just re-signed", () => {
    expect(isExpiredUrlResponse(403, EXPIRED_BODY, { justResigned: false })).toBe(true);
    expect(isExpiredUrlResponse(403, RGW_ACCESS_DENIED, { justResigned: false })).toBe(true);
    expect(isExpiredUrlResponse(403, '<Error><Code>AccessDenied</Code></Error>', { justResigned: false })).toBe(true);
    expect(isExpiredUrlResponse(403, RGW_ACCESS_DENIED, { justResigned: true })).toBe(false);
    expect(isExpiredUrlResponse(403, POLICY_DENIED, { justResigned: false })).toBe(false);
    expect(isExpiredUrlResponse(403, '<Error><Code>SignatureDoesNotMatch</Code><Message></Message></Error>', { justResigned: false })).toBe(false);
    expect(isExpiredUrlResponse(400, EXPIRED_BODY, { justResigned: false })).toBe(false);
  });
});

describe('backoffDelay', () => {
  it('follows the delays with at most ±20 % jitter and ends when they are spent', () => {
    const delays = [500, 1000, 2000];
    expect(backoffDelay(delays, 0, () => 0.5)).toBe(500);
    expect(backoffDelay(delays, 1, () => 0)).toBe(800);
    expect(backoffDelay(delays, 2, () => 0.999999)).toBe(2400);
    for (let i = 0; i < 200; i += 1) {
      const delay = backoffDelay(delays, 1, Math.random) ?? Number.NaN;
      expect(delay).toBeGreaterThanOrEqual(800);
      expect(delay).toBeLessThanOrEqual(1200);
    }
    expect(backoffDelay(delays, 3, () => 0.5)).toBeUndefined();
  });
});

describe('part retries', () => {
  it('retries 5xx, 408, 429 and network errors on the retryDelays schedule, then aborts the upload and rejects with PartUploadError', async () => {
    const { uploader, transport, api, clock } = createHarness({ concurrency: 1, retryDelays: [100, 200, 400], random: () => 0 });
    const done = track(uploader.upload(fakeFile('r.bin', 10)));
    (await transport.nextRequest()).respond({ status: 503 });
    // random 0 is the low jitter bound: 80, 160, 320 ms.
    for (const [delay, answer] of [
      [80, (r: Awaited<ReturnType<typeof transport.nextRequest>>) => r.respond({ status: 429 })],
      [160, (r: Awaited<ReturnType<typeof transport.nextRequest>>) => r.fail()],
      [320, (r: Awaited<ReturnType<typeof transport.nextRequest>>) => r.respond({ status: 500 })],
    ] as const) {
      await clock.advance(delay - 1);
      expect(await transport.pending()).toHaveLength(0);
      await clock.advance(1);
      answer(await transport.nextRequest());
    }
    await flush();
    expect(done.state).toBe('rejected');
    expect(done.error).toBeInstanceOf(PartUploadError);
    expect(done.error).toMatchObject({ partNumber: 1, status: 500 });
    expect(transport.requests).toHaveLength(4);
    expect(api.callsOf('abort')).toHaveLength(1);
    expect(api.callsOf('complete')).toHaveLength(0);
  });

  it('resets the attempt counter after a failed attempt that made progress', async () => {
    const { uploader, transport, clock } = createHarness({ concurrency: 1, retryDelays: [100] });
    const done = track(uploader.upload(fakeFile('p.bin', 10)));
    (await transport.nextRequest()).fail();
    await clock.advance(100);
    const second = await transport.nextRequest();
    second.progress(4);
    second.fail(); // the only retry was spent, but the part moved forward
    await clock.advance(100);
    (await transport.nextRequest()).respond();
    await flush();
    expect(done.state).toBe('resolved');
    expect(transport.requests).toHaveLength(3);
  });

  it('fails at once, with no re-sign, when S3 refuses a part with a policy AccessDenied', async () => {
    const { uploader, transport, api } = createHarness({ concurrency: 1 });
    const done = track(uploader.upload(fakeFile('d.bin', 10)));
    (await transport.nextRequest()).respond({ status: 403, body: POLICY_DENIED });
    await flush();
    expect(done.error).toMatchObject({ name: 'PartUploadError', partNumber: 1, status: 403 });
    expect(api.callsOf('sign')).toHaveLength(1);
    expect(transport.requests).toHaveLength(1);
  });

  it.each([400, 403])('fails at once on a non-retryable %i and aborts the upload', async (status) => {
    const { uploader, transport, api, clock } = createHarness({ concurrency: 2 });
    const done = track(uploader.upload(fakeFile('x.bin', 30)));
    const [first, second] = await transport.takeAll();
    first?.respond({ status, body: '<Error><Code>SignatureDoesNotMatch</Code></Error>' });
    await flush();
    expect(done.state).toBe('rejected');
    expect(done.error).toBeInstanceOf(PartUploadError);
    expect(done.error).toMatchObject({ partNumber: 1, status });
    // The other in-flight part is aborted and nothing new starts.
    expect(second?.aborted).toBe(true);
    await clock.advance(10_000);
    expect(transport.requests).toHaveLength(2);
    expect(api.callsOf('abort')).toHaveLength(1);
  });

  it('retries a part answered once without an ETag when other answers showed theirs, and completes with the new ETag', async () => {
    const { uploader, transport, api, clock } = createHarness({ concurrency: 1, retryDelays: [100], checksumMode: 'off' });
    const done = track(uploader.upload(fakeFile('e.bin', 20)));
    (await transport.nextRequest()).respond({ etag: '"e1"' });
    (await transport.nextRequest()).respond({ status: 200, etag: null }); // part 2 lost its ETag once
    await clock.advance(100);
    const again = await transport.nextRequest();
    expect(again.partNumber).toBe(2);
    again.respond({ etag: '"e2"' });
    await flush();
    expect(done.state).toBe('resolved');
    expect(api.callsOf('complete')[0]?.parts).toEqual([
      { partNumber: 1, etag: '"e1"' },
      { partNumber: 2, etag: '"e2"' },
    ]);
    expect(api.callsOf('abort')).toHaveLength(0);
  });

  it('a part that never gets an ETag, after others did, fails on spent retries without blaming CORS', async () => {
    const { uploader, transport, api, clock } = createHarness({ concurrency: 1, retryDelays: [100, 100] });
    const done = track(uploader.upload(fakeFile('e.bin', 20)));
    (await transport.nextRequest()).respond();
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const request = await transport.nextRequest();
      request.progress(10);
      request.respond({ etag: null }); // a full send without an ETag does not earn fresh retries
      await clock.advance(100);
    }
    expect(done.state).toBe('rejected');
    expect(done.error).toBeInstanceOf(PartUploadError);
    expect(done.error).not.toBeInstanceOf(MissingEtagError);
    expect((done.error as Error).message).not.toMatch(/CORS/);
    expect(transport.requests).toHaveLength(4);
    expect(api.callsOf('abort')).toHaveLength(1);
  });

  it('says CORS hides the ETag only when the first parts all came back without one (no hang), and aborts the upload', async () => {
    const { uploader, transport, api } = createHarness({ concurrency: 3 });
    const done = track(uploader.upload(fakeFile('e.bin', 50)));
    const first = await transport.takeAll();
    expect(first.map((r) => r.partNumber)).toEqual([1, 2, 3]);
    first[0]?.respond({ status: 200, etag: null });
    first[1]?.respond({ status: 200, etag: null });
    await flush();
    expect(done.state).toBe('pending'); // two parts could still be passing faults
    first[2]?.respond({ status: 200, etag: null });
    await flush();
    expect(done.state).toBe('rejected');
    expect(done.error).toBeInstanceOf(MissingEtagError);
    expect((done.error as Error).message).toMatch(/CORS configuration does not expose the ETag header/);
    expect(api.callsOf('abort')).toHaveLength(1);
  });

  it('cuts a part attempt with no progress for the idle time and retries it; a slow part that keeps moving is never cut', async () => {
    const { uploader, transport, clock } = createHarness({ concurrency: 2, partIdleTimeoutMs: 5_000, retryDelays: [100] });
    const done = track(uploader.upload(fakeFile('i.bin', 20)));
    const [held, slow] = await transport.takeAll();
    held?.progress(10); // the whole body went out, and no answer came
    // The other part sends one byte a second for 10 s: slow, but moving.
    for (let second = 1; second <= 10; second += 1) {
      slow?.progress(second);
      await clock.advance(1_000);
      if (second === 4) expect(held?.aborted).toBe(false);
      if (second === 5) {
        expect(held?.aborted).toBe(true);
        await clock.advance(100);
        const retried = await transport.nextRequest();
        expect(retried.partNumber).toBe(1);
        retried.respond();
      }
    }
    expect(slow?.aborted).toBe(false);
    slow?.respond();
    await flush();
    expect(done.state).toBe('resolved');
  });

  it('gives up on a part that is cut for idleness on every attempt (no endless retries)', async () => {
    const { uploader, transport, api, clock } = createHarness({ concurrency: 1, partIdleTimeoutMs: 5_000, retryDelays: [100] });
    const done = track(uploader.upload(fakeFile('h.bin', 10)));
    for (let attempt = 0; attempt < 2; attempt += 1) {
      (await transport.nextRequest()).progress(10);
      await clock.advance(5_100);
    }
    expect(done.state).toBe('rejected');
    expect(done.error).toMatchObject({ name: 'PartUploadError', partNumber: 1, status: null });
    expect((done.error as Error).cause).toBeInstanceOf(PartIdleError);
    expect(api.callsOf('abort')).toHaveLength(1);
  });

  it('re-signs a part whose URL the store refused as expired, without waiting', async () => {
    const { uploader, transport, api } = createHarness({ concurrency: 1 });
    const done = track(uploader.upload(fakeFile('s.bin', 10)));
    const first = await transport.nextRequest();
    first.respond({ status: 403, body: EXPIRED_BODY });
    const second = await transport.nextRequest();
    expect(second.signature).not.toBe(first.signature);
    second.respond();
    await flush();
    expect(done.state).toBe('resolved');
    expect(api.callsOf('sign').map((c) => c.partNumbers)).toEqual([[1], [1]]);
  });

  it("re-signs once on RGW's empty-message AccessDenied (its answer to an expired URL); the same answer to the fresh URL is final", async () => {
    const { uploader, transport, api } = createHarness({ concurrency: 1 });
    const done = track(uploader.upload(fakeFile('g.bin', 10)));
    (await transport.nextRequest()).respond({ status: 403, body: RGW_ACCESS_DENIED });
    (await transport.nextRequest()).respond({ status: 403, body: RGW_ACCESS_DENIED });
    await flush();
    expect(done.state).toBe('rejected');
    expect(done.error).toMatchObject({ name: 'PartUploadError', partNumber: 1, status: 403 });
    expect(api.callsOf('sign').map((c) => c.partNumbers)).toEqual([[1], [1]]);
    expect(transport.requests).toHaveLength(2);
  });

  it('re-signs before the attempt a URL that expires within 30 s', async () => {
    const { uploader, transport, api, clock } = createHarness({ concurrency: 1, checksumMode: 'off' });
    api.urlTtlMs = 60_000;
    const done = track(uploader.upload(fakeFile('n.bin', 20)));
    const first = await transport.nextRequest();
    await clock.advance(40_000); // part 2's URL now has 20 s left
    first.respond();
    const second = await transport.nextRequest();
    expect(second.partNumber).toBe(2);
    expect(api.callsOf('sign').map((c) => c.partNumbers)).toEqual([[1, 2], [2]]);
    expect(second.signature).toBe('2');
    second.respond();
    await flush();
    expect(done.state).toBe('resolved');
  });

  it('retries API calls on 5xx and network errors; a 4xx ApiError is final', async () => {
    const { uploader, transport, api, clock } = createHarness({ concurrency: 1 });
    api.fail('sign', new ApiError(503, 'storage_unavailable', 'busy'));
    api.fail('complete', new ApiError(502, 'unknown', 'bad gateway'));
    const ok = track(uploader.upload(fakeFile('a.bin', 10)));
    await clock.advance(100);
    (await transport.nextRequest()).respond();
    await clock.advance(100);
    expect(ok.state).toBe('resolved');
    expect(api.callsOf('complete')).toHaveLength(2);

    api.fail('create', new ApiError(413, 'file_too_large', 'too big'));
    const refused = track(uploader.upload(fakeFile('b.bin', 10)));
    await flush();
    expect(refused.state).toBe('rejected');
    expect(refused.error).toMatchObject({ name: 'ApiError', status: 413, code: 'file_too_large' });
    expect(api.callsOf('create')).toHaveLength(2);
  });
});

describe('complete while the server is unreachable', () => {
  it('keeps retrying complete (past the retry delays) while the token is valid, and never aborts the stored parts', async () => {
    const { uploader, transport, api, clock } = createHarness({ concurrency: 1, retryDelays: [100, 200, 400] });
    for (let i = 0; i < 20; i += 1) api.fail('complete', i % 2 === 0 ? new NetworkError('no answer') : new ApiError(503, 'unknown', 'HTTP 503'));
    const done = track(uploader.upload(fakeFile('c.bin', 10)));
    (await transport.nextRequest()).respond();
    await clock.advance(100 + 200 + 400 * 17);
    expect(done.state).toBe('pending');
    await clock.advance(400);
    expect(done.state).toBe('resolved');
    expect(api.callsOf('complete')).toHaveLength(21);
    expect(api.callsOf('abort')).toHaveLength(0);
  });

  it('gives up on a complete the server refuses (4xx), and aborts', async () => {
    const { uploader, transport, api } = createHarness({ concurrency: 1 });
    api.fail('complete', new ApiError(400, 'missing_parts', 'part 1 is missing'));
    const done = track(uploader.upload(fakeFile('m.bin', 10)));
    (await transport.nextRequest()).respond();
    await flush();
    expect(done.state).toBe('rejected');
    expect(api.callsOf('complete')).toHaveLength(1);
    expect(api.callsOf('abort')).toHaveLength(1);
  });
});
