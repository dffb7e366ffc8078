import { describe, expect, it } from 'vitest';
import type { Md5Reply, Md5Request } from './md5-worker.js';
import { HashWorkerError, createWorkerHasher } from './worker-hasher.js';
import { flush } from './testing/flush.js';

/** Stands in for a Web Worker: records what it was posted; the test answers. */
class FakeWorker {
  onmessage: ((event: MessageEvent<Md5Reply>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  readonly posted: Md5Request[] = [];
  terminated = false;

  postMessage(message: Md5Request): void {
    this.posted.push(message);
  }

  terminate(): void {
    this.terminated = true;
  }

  answer(digest: number): void {
    const request = this.posted.at(-1);
    if (!request) throw new Error('nothing to answer');
    this.onmessage?.({ data: { id: request.id, digest: new Uint8Array(16).fill(digest) } } as MessageEvent<Md5Reply>);
  }

  fail(message: string): void {
    const request = this.posted.at(-1);
    if (!request) throw new Error('nothing to answer');
    this.onmessage?.({ data: { id: request.id, error: message } } as MessageEvent<Md5Reply>);
  }
}

function pool(workers: number) {
  const created: FakeWorker[] = [];
  const hasher = createWorkerHasher({
    workers,
    createWorker: () => {
      const worker = new FakeWorker();
      created.push(worker);
      return worker as unknown as Worker;
    },
  });
  return { hasher, created };
}

const blob = (size: number) => new Blob([new Uint8Array(size)]);

describe('createWorkerHasher', () => {
  it('starts workers only as needed, at most the pool size, and queues the rest in order', async () => {
    const { hasher, created } = pool(2);
    const a = hasher.md5(blob(1));
    expect(created).toHaveLength(1);
    const b = hasher.md5(blob(2));
    const c = hasher.md5(blob(3));
    expect(created).toHaveLength(2);
    expect(created.map((w) => w.posted.map((r) => r.blob.size))).toEqual([[1], [2]]);
    created[0]?.answer(1);
    expect(await a).toEqual(new Uint8Array(16).fill(1));
    // The freed worker takes the waiting job; only a Blob reference crosses, never its bytes.
    expect(created[0]?.posted.map((r) => r.blob.size)).toEqual([1, 3]);
    created[1]?.answer(2);
    created[0]?.answer(3);
    expect([await b, await c].map((d) => d[0])).toEqual([2, 3]);
  });

  it('rejects at once on abort; a waiting aborted job is never posted, a running one is dropped when it answers', async () => {
    const { hasher, created } = pool(1);
    const running = new AbortController();
    const waiting = new AbortController();
    const first = hasher.md5(blob(1), running.signal).catch((e: unknown) => e);
    const second = hasher.md5(blob(2), waiting.signal).catch((e: unknown) => e);
    const third = hasher.md5(blob(3));
    waiting.abort(new Error('paused'));
    running.abort(new Error('cancelled'));
    expect(await first).toMatchObject({ message: 'cancelled' });
    expect(await second).toMatchObject({ message: 'paused' });
    created[0]?.answer(9); // the aborted first job's late answer frees the worker
    await flush();
    expect(created[0]?.posted.map((r) => r.blob.size)).toEqual([1, 3]);
    created[0]?.answer(3);
    expect((await third)[0]).toBe(3);
  });

  it('turns a worker that could not read the blob into HashWorkerError and goes on with the next job', async () => {
    const { hasher, created } = pool(1);
    const unreadable = hasher.md5(blob(1)).catch((e: unknown) => e);
    const next = hasher.md5(blob(2));
    created[0]?.fail('NotReadableError: the file could not be read');
    expect(await unreadable).toBeInstanceOf(HashWorkerError);
    created[0]?.answer(2);
    expect((await next)[0]).toBe(2);
  });

  it('replaces a worker that crashed, failing only the job it was running; a waiting job goes to the new worker', async () => {
    const { hasher, created } = pool(1);
    const lost = hasher.md5(blob(1)).catch((e: unknown) => e);
    const queued = hasher.md5(blob(2));
    created[0]?.onerror?.({ message: 'out of memory', preventDefault: () => undefined } as ErrorEvent);
    expect(await lost).toBeInstanceOf(HashWorkerError);
    expect(created[0]?.terminated).toBe(true);
    expect(created).toHaveLength(2);
    expect(created[1]?.posted.map((r) => r.blob.size)).toEqual([2]);
    created[1]?.answer(2);
    expect((await queued)[0]).toBe(2);
  });
});
