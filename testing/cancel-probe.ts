import type { Page } from 'playwright';

/**
 * In-page clock for "did a part start after Cancel": the Cancel click's time
 * and the time of every XHR PUT send (wrapped, measurement only). Node's clock
 * cannot tell, since Playwright's click lands some milliseconds after it is
 * called, and parts that finish meanwhile rightly start the next ones.
 */
const CANCEL_PROBE_SCRIPT = `
  window.__cancelProbe = { clickAt: null, putSends: [] };
  document.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest('button') : null;
    if (button && button.textContent.trim() === 'Cancel') window.__cancelProbe.clickAt = performance.now();
  }, true);
  const open = XMLHttpRequest.prototype.open;
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, ...rest) {
    this.__probeMethod = method;
    return open.call(this, method, ...rest);
  };
  XMLHttpRequest.prototype.send = function (...args) {
    if (this.__probeMethod === 'PUT') window.__cancelProbe.putSends.push(performance.now());
    return send.apply(this, args);
  };
`;

export interface CancelProbe {
  /** performance.now() of the Cancel click, or null before it. */
  clickAt: number | null;
  /** performance.now() of every part PUT sent. */
  putSends: number[];
}

/** Installs the probe; call before the page loads. */
export async function installCancelProbe(page: Page): Promise<void> {
  await page.addInitScript(CANCEL_PROBE_SCRIPT);
}

export function readCancelProbe(page: Page): Promise<CancelProbe> {
  return page.evaluate(() => (window as unknown as { __cancelProbe: CancelProbe }).__cancelProbe);
}

/** Part PUTs the page sent after the Cancel click; 0 when cancel stops the queue. */
export function putsSentAfterCancel(probe: CancelProbe): number {
  const { clickAt } = probe;
  return clickAt === null ? 0 : probe.putSends.filter((sentAt) => sentAt > clickAt).length;
}
