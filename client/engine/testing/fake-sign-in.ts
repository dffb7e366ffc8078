import type { SignInGate } from '../types.js';

/** A sign-in gate the test opens by hand: waiters resume only on signedIn(). */
export class FakeSignIn implements SignInGate {
  #waiters: (() => void)[] = [];

  get waiting(): number {
    return this.#waiters.length;
  }

  signedIn(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  waitForSignIn(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      this.#waiters.push(resolve);
      signal?.addEventListener(
        'abort',
        () => {
          this.#waiters = this.#waiters.filter((w) => w !== resolve);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }
}
