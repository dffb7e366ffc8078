import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBenchUploadApi } from './bench-upload-api.js';
import { createPacedTransport, partSizeOfUrl } from './paced-transport.js';

const MiB = 1024 * 1024;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('paced transport', () => {
  it('takes size ÷ per-part speed and reports growing progress every interval', async () => {
    const transport = createPacedTransport({ bytesPerSecondPerPart: 10 * MiB, progressIntervalMs: 50 });
    const sent: number[] = [];
    const put = transport.put(`https://bench.invalid/u?partNumber=1&size=${8 * MiB}`, new Blob([]), {
      signal: new AbortController().signal,
      onProgress: (bytes) => sent.push(bytes),
    });
    let settled = false;
    void put.then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(799);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(put).resolves.toMatchObject({ status: 200 });
    expect(sent).toHaveLength(16);
    expect(sent.at(-1)).toBe(8 * MiB);
    expect([...sent].sort((a, b) => a - b)).toEqual(sent);
  });

  it('rejects with the abort reason and stops reporting', async () => {
    const transport = createPacedTransport({ bytesPerSecondPerPart: MiB, progressIntervalMs: 50 });
    const controller = new AbortController();
    const onProgress = vi.fn();
    const put = transport.put(`https://bench.invalid/u?size=${MiB}`, new Blob([]), { signal: controller.signal, onProgress });
    await vi.advanceTimersByTimeAsync(120);
    const calls = onProgress.mock.calls.length;
    const reason = new Error('paused');
    controller.abort(reason);
    await expect(put).rejects.toBe(reason);
    await vi.advanceTimersByTimeAsync(2000);
    expect(onProgress.mock.calls.length).toBe(calls);
  });
});

describe('bench upload api', () => {
  it('plans 10,000 parts of 8 MiB and signs URLs that carry each part size, after its latency', async () => {
    const api = createBenchUploadApi({ partSize: 8 * MiB, latencyMs: 5 });
    const created = api.create({ fileName: 'big.bin', size: 10_000 * 8 * MiB - 1 });
    await vi.advanceTimersByTimeAsync(5);
    const session = await created;
    expect(session.partCount).toBe(10_000);
    const signing = api.sign(session, [{ partNumber: 1 }, { partNumber: 10_000 }]);
    await vi.advanceTimersByTimeAsync(5);
    const parts = await signing;
    expect(parts.map((part) => partSizeOfUrl(part.url))).toEqual([8 * MiB, 8 * MiB - 1]);
    expect(parts.map((part) => part.size)).toEqual([8 * MiB, 8 * MiB - 1]);
  });
});
