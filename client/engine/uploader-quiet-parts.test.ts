import { describe, expect, it } from 'vitest';
import { fakeFile } from './testing/fake-api.js';
import { createHarness, track } from './testing/engine-harness.js';
import { flush } from './testing/flush.js';

describe('quiet parts (quietPartMs)', () => {
  it('asks for no progress after a part stored quickly, asks again after a slow one, and always on a retry', async () => {
    const { uploader, transport, clock } = createHarness({ concurrency: 1, quietPartMs: 1_000, retryDelays: [100] });
    const done = track(uploader.upload(fakeFile('q.bin', 40)));
    const first = await transport.nextRequest();
    expect(first.reportsProgress).toBe(true); // nothing stored yet: no idea how fast parts go
    await clock.advance(100);
    first.respond();
    const second = await transport.nextRequest();
    expect(second.reportsProgress).toBe(false);
    await clock.advance(2_000);
    second.respond();
    const third = await transport.nextRequest();
    expect(third.reportsProgress).toBe(true); // the last part took 2 s
    third.respond();
    const fourth = await transport.nextRequest();
    expect(fourth.reportsProgress).toBe(false);
    fourth.fail();
    await clock.advance(100);
    const retried = await transport.nextRequest();
    expect(retried.partNumber).toBe(4);
    expect(retried.reportsProgress).toBe(true);
    retried.respond();
    await flush();
    expect(done.state).toBe('resolved');
  });

  it('counts a quiet part\'s bytes when it is stored', async () => {
    const { uploader, transport, clock } = createHarness({ concurrency: 1, quietPartMs: 1_000 });
    const events: number[] = [];
    track(uploader.upload(fakeFile('b.bin', 30), { onProgress: (progress) => events.push(progress.transferredBytes) }));
    (await transport.nextRequest()).respond();
    const quiet = await transport.nextRequest();
    expect(quiet.reportsProgress).toBe(false);
    await clock.advance(100);
    expect(events.at(-1)).toBe(10);
    quiet.respond();
    await clock.advance(100);
    expect(events.at(-1)).toBe(20);
  });

  it('cuts a quiet attempt that has not ended after the idle time, and its retry reports progress', async () => {
    // quietPartMs is capped at an eighth of the idle time (here 625 ms).
    const { uploader, transport, clock } = createHarness({ concurrency: 1, quietPartMs: 2_000, partIdleTimeoutMs: 5_000, retryDelays: [100] });
    const done = track(uploader.upload(fakeFile('c.bin', 30)));
    const first = await transport.nextRequest();
    await clock.advance(700);
    first.respond();
    const second = await transport.nextRequest();
    expect(second.reportsProgress).toBe(true); // 700 ms is not quick under the cap
    await clock.advance(100);
    second.respond();
    const quiet = await transport.nextRequest();
    expect(quiet.reportsProgress).toBe(false);
    await clock.advance(5_000);
    expect(quiet.aborted).toBe(true);
    await clock.advance(100);
    const retried = await transport.nextRequest();
    expect(retried.partNumber).toBe(3);
    expect(retried.reportsProgress).toBe(true);
    retried.respond();
    await flush();
    expect(done.state).toBe('resolved');
  });

  it('asks every attempt for progress by default', async () => {
    const { uploader, transport } = createHarness({ concurrency: 1 });
    track(uploader.upload(fakeFile('d.bin', 20)));
    const first = await transport.nextRequest();
    first.respond();
    expect((await transport.nextRequest()).reportsProgress).toBe(true);
  });
});
