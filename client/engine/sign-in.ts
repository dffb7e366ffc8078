/**
 * Waiting for the person to sign in again. When the server answers an API
 * call with 401 login_required or login_expired, the upload does not fail: it
 * waits here, then asks again. Signing in happens outside the engine (the
 * auth proxy's login page, the embedding page renewing its token), so the
 * browser adapter tries again when the page regains focus or becomes visible,
 * when the page calls signedIn(), and otherwise every few seconds.
 */
import type { SignInGate } from './types.js';

export const DEFAULT_SIGN_IN_RETRY_MS = 5000;

interface FocusSource {
  addEventListener(type: 'focus' | 'visibilitychange', listener: () => void): void;
  removeEventListener(type: 'focus' | 'visibilitychange', listener: () => void): void;
}

export interface SignInWatch extends SignInGate {
  /** Tells every waiting upload to try again now (e.g. after the embedding page renewed its token). */
  signedIn(): void;
}

export function createSignInWatch(options: { retryMs?: number; source?: FocusSource | undefined } = {}): SignInWatch {
  const retryMs = options.retryMs ?? DEFAULT_SIGN_IN_RETRY_MS;
  const g = globalThis as Partial<FocusSource>;
  const source = options.source ?? (typeof g.addEventListener === 'function' ? (globalThis as unknown as FocusSource) : undefined);
  let wakers: (() => void)[] = [];
  return {
    signedIn() {
      const wake = wakers;
      wakers = [];
      for (const w of wake) w();
    },
    waitForSignIn(signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      return new Promise<void>((resolve, reject) => {
        const done = () => {
          clearTimeout(timer);
          source?.removeEventListener('focus', wake);
          source?.removeEventListener('visibilitychange', wake);
          signal?.removeEventListener('abort', onAbort);
          wakers = wakers.filter((w) => w !== wake);
        };
        const wake = () => {
          done();
          resolve();
        };
        const onAbort = () => {
          done();
          reject(signal?.reason);
        };
        const timer = setTimeout(wake, retryMs);
        source?.addEventListener('focus', wake);
        source?.addEventListener('visibilitychange', wake);
        signal?.addEventListener('abort', onAbort, { once: true });
        wakers.push(wake);
      });
    },
  };
}
