import { describe, expect, it } from 'vitest';
import { NetworkError } from './errors.js';
import type { UploadProgress } from './types.js';
import { fakeFile } from './testing/fake-api.js';
import { createHarness, track } from './testing/engine-harness.js';
import { flush } from './testing/flush.js';

describe('progress', () => {
  it('reports totals and part states, subtracts a failed attempt, and ends with everything done', async () => {
    const { uploader, transport, clock } = createHarness({ concurrency: 2 });
    const events: UploadProgress[] = [];
    const done = track(uploader.upload(fakeFile('p.bin', 25), { onProgress: (p) => events.push(p) }));
    const [one, two] = await transport.takeAll();
    const last = () => events.at(-1);
    await clock.advance(50);
    expect(last()?.totalBytes).toBe(25);
    expect(last()?.parts.map((p) => [p.partNumber, p.size, p.state])).toEqual([
      [1, 10, 'uploading'],
      [2, 10, 'uploading'],
      [3, 5, 'queued'],
    ]);
    one?.progress(6);
    two?.progress(3);
    await clock.advance(50);
    expect(last()?.parts[0]?.sentBytes).toBe(6);
    expect(last()?.transferredBytes).toBe(9);
    two?.fail();
    await flush();
    expect(last()?.transferredBytes).toBe(6);
    expect(last()?.parts[1]).toMatchObject({ state: 'retrying', sentBytes: 0 });
    one?.respond();
    await clock.advance(100);
    for (const request of await transport.takeAll()) request.respond();
    await flush();
    expect(done.state).toBe('resolved');
    expect(last()).toMatchObject({ transferredBytes: 25, totalBytes: 25, etaSeconds: 0 });
    expect(last()?.parts.every((p) => p.state === 'done' && p.sentBytes === p.size)).toBe(true);
  });

  it('reuses unchanged part objects across snapshots and throttles byte progress to one emission per 50 ms', async () => {
    const { uploader, transport, clock } = createHarness({ concurrency: 2 });
    const events: UploadProgress[] = [];
    track(uploader.upload(fakeFile('s.bin', 40), { onProgress: (p) => events.push(p) }));
    const [one] = await transport.takeAll();
    await clock.advance(100);
    const before = events.length;
    const previous = events.at(-1);
    for (let sent = 1; sent <= 9; sent += 1) one?.progress(sent);
    await flush();
    // The first change goes out at once, the rest wait for the 50 ms window.
    expect(events.length - before).toBe(1);
    await clock.advance(49);
    expect(events.length - before).toBe(1);
    await clock.advance(1);
    expect(events.length - before).toBe(2);
    const current = events.at(-1);
    expect(current?.parts[0]?.sentBytes).toBe(9);
    expect(current?.parts[0]).not.toBe(previous?.parts[0]);
    expect(current?.parts[1]).toBe(previous?.parts[1]);
    expect(current?.parts[2]).toBe(previous?.parts[2]);
    expect(current?.parts[3]).toBe(previous?.parts[3]);
  });

  it('reports at most once per progressIntervalMs when the caller asks for a slower rate', async () => {
    const { uploader, transport, clock } = createHarness({ concurrency: 2 });
    const events: UploadProgress[] = [];
    track(uploader.upload(fakeFile('r.bin', 40), { onProgress: (p) => events.push(p), progressIntervalMs: 500 }));
    const [one] = await transport.takeAll();
    // Past the window of the parts' start (and its trailing emission).
    await clock.advance(1_500);
    const before = events.length;
    one?.progress(3);
    await flush();
    expect(events.length - before).toBe(1);
    for (let sent = 4; sent <= 9; sent += 1) {
      await clock.advance(50);
      one?.progress(sent);
    }
    // 300 ms after the last emission: still inside the 500 ms window.
    expect(events.length - before).toBe(1);
    await clock.advance(200);
    expect(events.length - before).toBe(2);
    expect(events.at(-1)?.parts[0]?.sentBytes).toBe(9);
  });

  it('measures a smoothed speed and an ETA from the clock', async () => {
    const { uploader, transport, clock } = createHarness({ concurrency: 1, partSize: 1000 });
    const events: UploadProgress[] = [];
    track(uploader.upload(fakeFile('v.bin', 10_000), { onProgress: (p) => events.push(p) }));
    const request = await transport.nextRequest();
    expect(events.at(-1)?.bytesPerSecond).toBe(0);
    expect(events.at(-1)?.etaSeconds).toBeNull();
    for (let step = 1; step <= 10; step += 1) {
      await clock.advance(100);
      request.progress(step * 50); // 500 bytes/s
    }
    await clock.advance(50);
    const last = events.at(-1);
    expect(last?.bytesPerSecond).toBeGreaterThan(400);
    expect(last?.bytesPerSecond).toBeLessThan(600);
    expect(last?.etaSeconds).toBeCloseTo((10_000 - 500) / (last?.bytesPerSecond ?? 1), 5);
  });
});

describe('waiting and failure in progress', () => {
  it('says what the upload waits for (network, storage, server) instead of moving, and clears it once bytes move', async () => {
    const { uploader, transport, network, api, clock } = createHarness({ concurrency: 1, retryDelays: [100, 100, 100] });
    const events: UploadProgress[] = [];
    const done = track(uploader.upload(fakeFile('w.bin', 20), { onProgress: (p) => events.push(p) }));
    const waiting = () => events.at(-1)?.waitingFor;
    (await transport.nextRequest()).fail(); // no answer while online: the store is unreachable
    await flush();
    expect(waiting()).toBe('storage');
    await clock.advance(100);
    const second = await transport.nextRequest();
    network.setOnline(false);
    second.fail();
    await flush();
    expect(waiting()).toBe('network');
    network.setOnline(true);
    const third = await transport.nextRequest();
    third.progress(3);
    await clock.advance(50);
    expect(waiting()).toBeNull();
    third.respond();
    api.fail('complete', new NetworkError('server down'));
    const next = await transport.nextRequest();
    next.respond();
    await flush();
    expect(waiting()).toBe('server');
    await clock.advance(100);
    expect(done.state).toBe('resolved');
  });

  it('a failed upload does not claim the parts it aborted on the store', async () => {
    const { uploader, transport } = createHarness({ concurrency: 1 });
    const events: UploadProgress[] = [];
    const done = track(uploader.upload(fakeFile('f.bin', 20), { onProgress: (p) => events.push(p) }));
    (await transport.nextRequest()).respond();
    (await transport.nextRequest()).respond({ status: 400, body: '<Error><Code>InvalidArgument</Code></Error>' });
    await flush();
    expect(done.state).toBe('rejected');
    expect(events.at(-1)?.parts.map((p) => p.state)).toEqual(['queued', 'failed']);
    expect(events.at(-1)?.transferredBytes).toBe(0);
  });
});
