import { describe, expect, it } from 'vitest';
import { RequestBatcher } from './request-batcher.js';

/** A send whose calls are recorded and answered by the test. */
function scriptedSend() {
  const calls: { items: number[]; answer: (values: (string | Error)[]) => void; fail: (error: unknown) => void }[] = [];
  const send = (items: readonly number[]) =>
    new Promise<(string | Error)[]>((resolve, reject) => calls.push({ items: [...items], answer: resolve, fail: reject }));
  return { calls, send };
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('RequestBatcher', () => {
  it('sends the items added in one task together, in batches of at most maxBatch, and the rest when a request returns', async () => {
    const { calls, send } = scriptedSend();
    const batcher = new RequestBatcher<number, string>({ send, maxBatch: 3, maxInFlight: 1 });
    const answers = [1, 2, 3, 4, 5].map((n) => batcher.add(n));
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1, 2, 3]]);
    calls[0]?.answer(['a', 'b', 'c']);
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1, 2, 3], [4, 5]]);
    calls[1]?.answer(['d', 'e']);
    expect(await Promise.all(answers)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('rejects one item with its own error and the others keep their answers; a failed request rejects its whole batch only', async () => {
    const { calls, send } = scriptedSend();
    const batcher = new RequestBatcher<number, string>({ send, maxBatch: 2, maxInFlight: 2 });
    const [one, two, three] = [1, 2, 3].map((n) => batcher.add(n));
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1, 2], [3]]);
    const refused = new Error('too large');
    calls[0]?.answer(['a', refused]);
    calls[1]?.fail(new TypeError('offline'));
    await expect(one).resolves.toBe('a');
    await expect(two).rejects.toBe(refused);
    await expect(three).rejects.toThrow('offline');
  });

  it('drops an item aborted while it waits, with the abort reason, and does not send it', async () => {
    const { calls, send } = scriptedSend();
    const batcher = new RequestBatcher<number, string>({ send, maxBatch: 1, maxInFlight: 1 });
    const first = batcher.add(1);
    const controller = new AbortController();
    const second = batcher.add(2, controller.signal);
    await tick();
    const reason = new Error('cancelled');
    controller.abort(reason);
    await expect(second).rejects.toBe(reason);
    calls[0]?.answer(['a']);
    await expect(first).resolves.toBe('a');
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1]]);
  });
});
