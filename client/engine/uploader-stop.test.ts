import { describe, expect, it } from 'vitest';
import { ApiError, CancelError, PauseError } from './errors.js';
import type { UploadSession } from './types.js';
import { fakeFile } from './testing/fake-api.js';
import { createHarness, track } from './testing/engine-harness.js';
import { flush } from './testing/flush.js';

describe('cancel, pause and resume', () => {
  it('cancel aborts every in-flight request at once, drops queued parts, aborts on S3 and rejects with the reason', async () => {
    const { uploader, transport, api, clock } = createHarness({ concurrency: 3 });
    const controller = new AbortController();
    const done = track(uploader.upload(fakeFile('c.bin', 60), { signal: controller.signal }));
    const inFlight = await transport.takeAll();
    expect(inFlight).toHaveLength(3);
    const reason = new CancelError();
    controller.abort(reason);
    await flush();
    expect(inFlight.every((r) => r.aborted)).toBe(true);
    expect(done.state).toBe('rejected');
    expect(done.error).toBe(reason);
    expect(api.callsOf('abort')).toHaveLength(1);
    await clock.advance(60_000);
    expect(transport.requests).toHaveLength(3);
    expect(api.callsOf('complete')).toHaveLength(0);
  });

  it('any abort reason other than PauseError cancels, and the S3 abort is retried on failure', async () => {
    const { uploader, transport, api, clock } = createHarness({ concurrency: 1 });
    api.fail('abort', new TypeError('not an engine error: never retried'));
    const controller = new AbortController();
    const done = track(uploader.upload(fakeFile('d.bin', 20), { signal: controller.signal }));
    await transport.takeAll();
    controller.abort('user closed the tab');
    await flush();
    expect(done.error).toBe('user closed the tab');
    expect(api.callsOf('abort')).toHaveLength(1);

    api.fail('abort', new ApiError(503, 'storage_unavailable', 'busy'));
    const second = new AbortController();
    const again = track(uploader.upload(fakeFile('e.bin', 20), { signal: second.signal }));
    await transport.takeAll();
    second.abort(new CancelError());
    await clock.advance(100);
    expect(again.state).toBe('rejected');
    expect(api.callsOf('abort')).toHaveLength(3);
  });

  it('hands the caller the abort of a cancelled upload: settled once the store let go, rejected when it never will', async () => {
    const { uploader, transport, api, clock } = createHarness({ concurrency: 1 });
    const cancelWith = async (name: string) => {
      const controller = new AbortController();
      const cleanups: Promise<void>[] = [];
      const done = track(uploader.upload(fakeFile(name, 20), { signal: controller.signal, onStoreCleanup: (removed) => cleanups.push(removed) }));
      await transport.takeAll();
      controller.abort(new CancelError());
      await flush();
      expect(done.state).toBe('rejected');
      expect(cleanups).toHaveLength(1);
      return track(cleanups[0]!);
    };

    api.fail('abort', new ApiError(503, 'storage_unavailable', 'busy'));
    const retried = await cancelWith('r.bin');
    expect(retried.state).toBe('pending'); // the store did not answer: tried again after a while
    await clock.advance(100);
    expect(retried.state).toBe('resolved');
    expect(api.callsOf('abort')).toHaveLength(2);

    api.fail('abort', new ApiError(403, 'forbidden', 'not yours'));
    const refused = await cancelWith('s.bin');
    expect(refused.state).toBe('rejected');
    expect(api.callsOf('abort')).toHaveLength(3);
  });

  it('pausing reports no store cleanup: the stored parts are kept for a resume', async () => {
    const { uploader, transport } = createHarness({ concurrency: 1 });
    const controller = new AbortController();
    const cleanups: Promise<void>[] = [];
    const paused = track(uploader.upload(fakeFile('p.bin', 20), { signal: controller.signal, onStoreCleanup: (removed) => cleanups.push(removed) }));
    await transport.takeAll();
    controller.abort(new PauseError());
    await flush();
    expect(paused.error).toBeInstanceOf(PauseError);
    expect(cleanups).toEqual([]);
  });

  it('discard aborts a paused upload on the store, retrying a 503', async () => {
    const { uploader, transport, api, clock } = createHarness({ concurrency: 1 });
    const controller = new AbortController();
    let session: UploadSession | undefined;
    const paused = track(uploader.upload(fakeFile('q.bin', 20), { signal: controller.signal, onSession: (s) => (session = s) }));
    await transport.takeAll();
    controller.abort(new PauseError());
    await flush();
    expect(paused.error).toBeInstanceOf(PauseError);
    expect(api.callsOf('abort')).toHaveLength(0);
    if (!session) throw new Error('no session');

    api.fail('abort', new ApiError(503, 'storage_unavailable', 'busy'));
    const discarded = track(uploader.discard(session));
    await clock.advance(100);
    expect(discarded.state).toBe('resolved');
    expect(api.callsOf('abort')).toEqual([
      { method: 'abort', uploadId: 'upload-1' },
      { method: 'abort', uploadId: 'upload-1' },
    ]);
  });

  it('pause keeps stored parts (no abort); resume lists parts, skips those stored with the right size and completes with all', async () => {
    // Made-up ETags: no MD5s to match them against (uploader-integrity.test.ts resumes with MD5s).
    const { uploader, transport, api } = createHarness({ concurrency: 2, checksumMode: 'off' });
    const file = fakeFile('p.bin', 40);
    const controller = new AbortController();
    let session: UploadSession | undefined;
    const first = track(uploader.upload(file, { signal: controller.signal, onSession: (s) => (session = s) }));
    const [one, two] = await transport.takeAll();
    one?.respond({ etag: '"e1"' });
    await flush();
    const [three] = await transport.takeAll();
    expect(three?.partNumber).toBe(3);
    controller.abort(new PauseError());
    await flush();
    expect(first.error).toBeInstanceOf(PauseError);
    expect(two?.aborted && three?.aborted).toBe(true);
    expect(api.callsOf('abort')).toHaveLength(0);
    expect(session?.uploadId).toBe('upload-1');

    // The store has part 1, and a part 2 cut short (wrong size): only part 1 counts.
    api.stored = [
      { partNumber: 1, size: 10, etag: '"e1"' },
      { partNumber: 2, size: 3, etag: '"short"' },
    ];
    if (!session) throw new Error('no session');
    const resumed = track(uploader.upload(file, { session }));
    const sent: number[] = [];
    for (;;) {
      const pending = await transport.pending();
      if (pending.length === 0) break;
      const request = await transport.nextRequest();
      sent.push(request.partNumber);
      request.respond({ etag: `"e${request.partNumber}"` });
    }
    await flush();
    expect(resumed.state).toBe('resolved');
    expect(api.callsOf('listParts')).toHaveLength(1);
    expect(api.callsOf('create')).toHaveLength(1);
    expect(sent).toEqual([2, 3, 4]);
    expect(api.callsOf('complete')[0]?.parts.map((p) => p.etag)).toEqual(['"e1"', '"e2"', '"e3"', '"e4"']);
  });

  it('cancel while the upload is being created rejects with the reason (no hang, nothing sent)', async () => {
    const { uploader, transport, api } = createHarness();
    const controller = new AbortController();
    const done = track(uploader.upload(fakeFile('early.bin', 30), { signal: controller.signal }));
    const reason = new CancelError();
    controller.abort(reason); // the fake API answers create anyway
    await flush();
    expect(done.error).toBe(reason);
    expect(api.callsOf('create')).toHaveLength(1);
    expect(api.callsOf('sign')).toHaveLength(0);
    expect(transport.requests).toHaveLength(0);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const { uploader, api } = createHarness();
    const reason = new PauseError();
    await expect(uploader.upload(fakeFile('a.bin', 10), { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(api.calls).toHaveLength(0);
  });

  it('refuses to resume with a file of another size', async () => {
    const { uploader, api } = createHarness();
    const session = await api.create({ fileName: 'x.bin', size: 30 });
    const resumed = track(uploader.upload(fakeFile('x.bin', 31), { session }));
    await flush();
    expect(resumed.state).toBe('rejected');
    expect((resumed.error as Error).message).toMatch(/same file/);
  });
});

describe('offline', () => {
  it('starts no attempt while offline and starts once online', async () => {
    const { uploader, transport, network } = createHarness({ concurrency: 2, online: false });
    const done = track(uploader.upload(fakeFile('o.bin', 20)));
    expect(await transport.pending()).toHaveLength(0);
    network.setOnline(true);
    for (const request of await transport.takeAll()) request.respond();
    await flush();
    expect(done.state).toBe('resolved');
  });

  it('an in-flight failure while offline waits for the network and retries without spending an attempt', async () => {
    const { uploader, transport, network, clock } = createHarness({ concurrency: 1, retryDelays: [] });
    const done = track(uploader.upload(fakeFile('o.bin', 10)));
    const first = await transport.nextRequest();
    network.setOnline(false);
    first.fail();
    await clock.advance(60_000);
    expect(await transport.pending()).toHaveLength(0);
    expect(done.state).toBe('pending');
    network.setOnline(true);
    (await transport.nextRequest()).respond();
    await flush();
    expect(done.state).toBe('resolved');
  });
});
