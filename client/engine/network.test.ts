import { describe, expect, it } from 'vitest';
import { createBrowserNetworkStatus } from './network.js';

describe('createBrowserNetworkStatus', () => {
  it('reads navigator.onLine and waits for the online event', async () => {
    const events = new EventTarget();
    const source = {
      navigator: { onLine: false },
      addEventListener: (type: 'online', listener: () => void) => events.addEventListener(type, listener),
      removeEventListener: (type: 'online', listener: () => void) => events.removeEventListener(type, listener),
    };
    const network = createBrowserNetworkStatus(source);
    expect(network.isOnline()).toBe(false);
    let online = false;
    const waiting = network.waitOnline().then(() => (online = true));
    await Promise.resolve();
    expect(online).toBe(false);
    source.navigator.onLine = true;
    events.dispatchEvent(new Event('online'));
    await waiting;
    expect(online).toBe(true);

    source.navigator.onLine = false;
    const controller = new AbortController();
    const aborted = network.waitOnline(controller.signal);
    controller.abort('stop');
    await expect(aborted).rejects.toBe('stop');
  });
});
