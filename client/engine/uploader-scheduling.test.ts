import { describe, expect, it } from 'vitest';
import { fakeFile } from './testing/fake-api.js';
import { createHarness, track } from './testing/engine-harness.js';
import { flush } from './testing/flush.js';

describe('scheduling', () => {
  it('never runs more part PUTs than the concurrency across two files, parts in order, files in the order started', async () => {
    const { uploader, transport, api } = createHarness({ concurrency: 3 });
    const a = track(uploader.upload(fakeFile('a.bin', 50)));
    const b = track(uploader.upload(fakeFile('b.bin', 40)));
    const started: string[] = [];
    for (;;) {
      const pending = await transport.pending();
      expect(transport.inFlight).toBeLessThanOrEqual(3);
      if (pending.length === 0) break;
      const request = await transport.nextRequest();
      started.push(`${request.file}#${request.partNumber}`);
      request.respond();
    }
    await flush();
    expect(transport.maxInFlight).toBe(3);
    expect(started).toEqual(['a.bin#1', 'a.bin#2', 'a.bin#3', 'a.bin#4', 'a.bin#5', 'b.bin#1', 'b.bin#2', 'b.bin#3', 'b.bin#4']);
    expect(a.state).toBe('resolved');
    expect(b.state).toBe('resolved');
    expect(api.callsOf('complete')).toHaveLength(2);
  });

  it('complete does not wait for a part slot held by another file', async () => {
    const { uploader, transport, api } = createHarness({ concurrency: 1 });
    const a = track(uploader.upload(fakeFile('a.bin', 10)));
    const b = track(uploader.upload(fakeFile('b.bin', 20)));
    (await transport.nextRequest()).respond();
    const bFirst = await transport.nextRequest();
    expect(bFirst.file).toBe('b.bin');
    // b.bin holds the only slot, yet a.bin completes.
    expect(api.callsOf('complete').map((c) => c.uploadId)).toEqual(['upload-1']);
    expect(a.state).toBe('resolved');
    bFirst.respond();
    (await transport.nextRequest()).respond();
    await flush();
    expect(b.state).toBe('resolved');
  });

  it('slices each part lazily with its own byte range', async () => {
    const { uploader, transport } = createHarness({ concurrency: 1 });
    const bytes = new Uint8Array(25).map((_, i) => i);
    const file = Object.assign(new Blob([bytes]), { name: 'f.bin' });
    const done = track(uploader.upload(file));
    const seen: number[][] = [];
    for (let i = 0; i < 3; i += 1) {
      const request = await transport.nextRequest();
      seen.push([...new Uint8Array(await request.body.arrayBuffer())]);
      request.respond();
    }
    await flush();
    expect(seen).toEqual([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [10, 11, 12, 13, 14, 15, 16, 17, 18, 19], [20, 21, 22, 23, 24]]);
    expect(done.state).toBe('resolved');
  });

  it('completes with the parts sorted by part number, whatever order they finished in', async () => {
    // Made-up ETags: no MD5s to match them against.
    const { uploader, transport, api } = createHarness({ concurrency: 3, checksumMode: 'off' });
    const done = track(uploader.upload(fakeFile('c.bin', 30)));
    const requests = await transport.takeAll();
    expect(requests.map((r) => r.partNumber)).toEqual([1, 2, 3]);
    for (const request of [...requests].reverse()) {
      request.respond({ etag: `"e${request.partNumber}"` });
      await flush();
    }
    expect(done.state).toBe('resolved');
    expect(api.callsOf('complete')[0]?.parts).toEqual([
      { partNumber: 1, etag: '"e1"' },
      { partNumber: 2, etag: '"e2"' },
      { partNumber: 3, etag: '"e3"' },
    ]);
  });

  it('signs ahead in batches of at most 100 before parts need the URLs (no MD5s to wait for)', async () => {
    const { uploader, transport, api } = createHarness({ concurrency: 2, partSize: 1, checksumMode: 'off' });
    const done = track(uploader.upload(fakeFile('big.bin', 250)));
    await flush();
    expect(api.callsOf('sign').map((c) => c.partNumbers.length)).toEqual([100]);
    // Answer parts until fewer than 2 × concurrency signed URLs are left unstarted: the next batch is signed then.
    for (let n = 1; n <= 97; n += 1) (await transport.nextRequest()).respond();
    const signs = api.callsOf('sign');
    expect(signs.map((c) => [c.partNumbers[0], c.partNumbers.length])).toEqual([
      [1, 100],
      [101, 100],
    ]);
    for (;;) {
      const pending = await transport.pending();
      if (pending.length === 0) break;
      (await transport.nextRequest()).respond();
    }
    expect(done.state).toBe('resolved');
    expect(api.callsOf('sign').map((c) => c.partNumbers.length)).toEqual([100, 100, 50]);
  });
});
