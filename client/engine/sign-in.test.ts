import { describe, expect, it } from 'vitest';
import { createSignInWatch } from './sign-in.js';
import { track } from './testing/engine-harness.js';
import { flush } from './testing/flush.js';

function fakeWindow() {
  const listeners = new Map<string, Set<() => void>>();
  return {
    addEventListener(type: string, listener: () => void) {
      (listeners.get(type) ?? listeners.set(type, new Set()).get(type))?.add(listener);
    },
    removeEventListener(type: string, listener: () => void) {
      listeners.get(type)?.delete(listener);
    },
    fire(type: string) {
      for (const listener of [...(listeners.get(type) ?? [])]) listener();
    },
    count: () => [...listeners.values()].reduce((n, set) => n + set.size, 0),
  };
}

describe('createSignInWatch', () => {
  it('wakes every waiter when the page regains focus, becomes visible or calls signedIn()', async () => {
    const source = fakeWindow();
    const watch = createSignInWatch({ retryMs: 60_000, source });
    for (const wake of [() => source.fire('focus'), () => source.fire('visibilitychange'), () => watch.signedIn()]) {
      const waits = [track(watch.waitForSignIn()), track(watch.waitForSignIn())];
      await flush();
      expect(waits.map((w) => w.state)).toEqual(['pending', 'pending']);
      wake();
      await flush();
      expect(waits.map((w) => w.state)).toEqual(['resolved', 'resolved']);
      expect(source.count()).toBe(0);
    }
  });

  it('tries again on its own after retryMs, and rejects with the reason on abort', async () => {
    const watch = createSignInWatch({ retryMs: 5, source: fakeWindow() });
    await expect(watch.waitForSignIn()).resolves.toBeUndefined();
    const controller = new AbortController();
    const slow = createSignInWatch({ retryMs: 60_000, source: fakeWindow() });
    const wait = slow.waitForSignIn(controller.signal);
    const reason = new Error('cancelled');
    controller.abort(reason);
    await expect(wait).rejects.toBe(reason);
  });
});
