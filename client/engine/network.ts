import type { NetworkStatus } from './types.js';

export const alwaysOnline: NetworkStatus = {
  isOnline: () => true,
  waitOnline: (signal) => (signal?.aborted ? Promise.reject(signal.reason) : Promise.resolve()),
};

interface OnlineSource {
  navigator: { onLine: boolean };
  addEventListener(type: 'online', listener: () => void): void;
  removeEventListener(type: 'online', listener: () => void): void;
}

/** Browser adapter: navigator.onLine and the window 'online' event. */
export function createBrowserNetworkStatus(source: OnlineSource = globalThis as unknown as OnlineSource): NetworkStatus {
  return {
    isOnline: () => source.navigator.onLine,
    waitOnline(signal) {
      return new Promise((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        if (source.navigator.onLine) {
          resolve();
          return;
        }
        const onOnline = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          source.removeEventListener('online', onOnline);
          reject(signal?.reason);
        };
        source.addEventListener('online', onOnline);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}

/** The browser adapter where the page has navigator.onLine and window events; always online elsewhere (Node, tests). */
export function defaultNetworkStatus(): NetworkStatus {
  const g = globalThis as Partial<OnlineSource>;
  const hasBrowserSignals = typeof g.navigator?.onLine === 'boolean' && typeof g.addEventListener === 'function';
  return hasBrowserSignals ? createBrowserNetworkStatus() : alwaysOnline;
}
