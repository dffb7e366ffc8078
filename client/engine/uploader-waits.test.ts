/**
 * What an upload waits for besides its turn: a free place among the open
 * uploads, the person signing in again, and the wait a rate-limited server
 * asked for.
 */
import { describe, expect, it } from 'vitest';
import { ApiError } from './errors.js';
import { fakeFile } from './testing/fake-api.js';
import { createHarness, track } from './testing/engine-harness.js';
import { flush } from './testing/flush.js';
import type { UploadWait } from './types.js';

describe('open uploads', () => {
  it('opens at most maxOpenUploads files on the server at once; the next opens when one finishes', async () => {
    const { uploader, transport, api } = createHarness({ concurrency: 1, maxOpenUploads: 2 });
    const runs = ['a', 'b', 'c'].map((name) => track(uploader.upload(fakeFile(`${name}.bin`, 10))));
    await flush();
    expect(api.callsOf('create').map((c) => c.request.fileName)).toEqual(['a.bin', 'b.bin']);
    (await transport.nextRequest()).respond();
    await flush();
    expect(runs[0]?.state).toBe('resolved');
    expect(api.callsOf('create').map((c) => c.request.fileName)).toEqual(['a.bin', 'b.bin', 'c.bin']);
    (await transport.nextRequest()).respond();
    (await transport.nextRequest()).respond();
    await flush();
    expect(runs.map((r) => r.state)).toEqual(['resolved', 'resolved', 'resolved']);
  });

  it('a file cancelled while waiting for its turn never opens an upload', async () => {
    const { uploader, transport, api } = createHarness({ concurrency: 1, maxOpenUploads: 1 });
    const a = track(uploader.upload(fakeFile('a.bin', 10)));
    const controller = new AbortController();
    const b = track(uploader.upload(fakeFile('b.bin', 10), { signal: controller.signal }));
    await flush();
    controller.abort(new Error('cancelled'));
    (await transport.nextRequest()).respond();
    await flush();
    expect([a.state, b.state]).toEqual(['resolved', 'rejected']);
    expect(api.callsOf('create')).toHaveLength(1);
    expect(api.callsOf('abort')).toHaveLength(0);
  });
});

describe('sign-in', () => {
  it('an expired login does not fail the upload: it waits, says so, and goes on after the person signs in', async () => {
    const { uploader, transport, api, signIn } = createHarness({ concurrency: 2, retryDelays: [100] });
    const waits: UploadWait[] = [];
    const done = track(uploader.upload(fakeFile('a.bin', 20), { onWait: (wait) => waits.push(wait) }));
    (await transport.nextRequest()).respond();
    (await transport.nextRequest()).respond();
    // The bytes are stored; complete meets an expired login, more times than there are retries.
    api.fail('complete', new ApiError(401, 'login_expired', 'your login has expired'));
    api.fail('complete', new ApiError(401, 'login_expired', 'your login has expired'));
    await flush();
    expect(waits).toEqual(['sign-in']);
    expect(signIn.waiting).toBe(1);
    expect(done.state).toBe('pending');
    signIn.signedIn(); // still expired: waits again, without saying it twice
    await flush();
    expect(waits).toEqual(['sign-in']);
    expect(signIn.waiting).toBe(1);
    signIn.signedIn();
    await flush();
    expect(done.state).toBe('resolved');
    expect(waits).toEqual(['sign-in', null]);
    expect(api.callsOf('complete')).toHaveLength(3);
    expect(api.callsOf('abort')).toHaveLength(0);
  });

  it('a login that is missing from the start waits before create; cancel while waiting rejects at once', async () => {
    const { uploader, api, signIn } = createHarness();
    api.fail('create', new ApiError(401, 'login_required', 'sign in'));
    const controller = new AbortController();
    const reason = new Error('cancelled');
    const done = track(uploader.upload(fakeFile('a.bin', 20), { signal: controller.signal }));
    await flush();
    expect(signIn.waiting).toBe(1);
    controller.abort(reason);
    await flush();
    expect(done.state).toBe('rejected');
    expect(done.error).toBe(reason);
    expect(signIn.waiting).toBe(0);
  });

  it('other 401s and 403 stay final', async () => {
    const { uploader, api, signIn } = createHarness();
    api.fail('create', new ApiError(403, 'forbidden', 'not yours'));
    const done = track(uploader.upload(fakeFile('a.bin', 20)));
    await flush();
    expect(done.state).toBe('rejected');
    expect(signIn.waiting).toBe(0);
  });
});

describe('rate limits', () => {
  it('waits as long as a 429 says, without spending the retries', async () => {
    const { uploader, transport, api, clock } = createHarness({ concurrency: 1, retryDelays: [100], random: () => 0 });
    for (let i = 0; i < 3; i += 1) api.fail('create', new ApiError(429, 'rate_limited', 'slow down', { retryAfterMs: 30_000 }));
    const done = track(uploader.upload(fakeFile('a.bin', 10)));
    for (let i = 1; i <= 3; i += 1) {
      await flush();
      expect(api.callsOf('create')).toHaveLength(i);
      await clock.advance(29_999);
      expect(api.callsOf('create')).toHaveLength(i);
      await clock.advance(1);
    }
    (await transport.nextRequest()).respond();
    await flush();
    expect(done.state).toBe('resolved');
    expect(api.callsOf('create')).toHaveLength(4);
  });

  it('a 429 that names no wait falls back to the retry schedule, and ends when it is spent', async () => {
    const { uploader, api, clock } = createHarness({ retryDelays: [100], random: () => 0.5 });
    api.fail('create', new ApiError(429, 'rate_limited', 'slow down'));
    api.fail('create', new ApiError(429, 'rate_limited', 'slow down'));
    const done = track(uploader.upload(fakeFile('a.bin', 10)));
    await flush();
    await clock.advance(100);
    await flush();
    expect(done.state).toBe('rejected');
    expect(done.error).toMatchObject({ status: 429 });
  });
});
