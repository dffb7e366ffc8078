import { describe, expect, it } from 'vitest';
import { NetworkError } from './errors.js';
import { createXhrTransport } from './xhr-transport.js';

/** Just enough of XMLHttpRequest for the adapter; the test fires its events. */
class FakeXhr {
  method = '';
  url = '';
  timeout = 0;
  status = 0;
  responseText = '';
  sent: unknown = undefined;
  aborted = false;
  headers: Record<string, string> = {};
  upload: { onprogress: ((event: { loaded: number }) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  ontimeout: (() => void) | null = null;
  onabort: (() => void) | null = null;
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  send(body: unknown) {
    this.sent = body;
  }
  abort() {
    this.aborted = true;
    this.onabort?.();
  }
  getResponseHeader(name: string): string | null {
    return this.headers[name.toLowerCase()] ?? null;
  }
}

function setup() {
  const xhrs: FakeXhr[] = [];
  const transport = createXhrTransport({
    createXhr: () => {
      const xhr = new FakeXhr();
      xhrs.push(xhr);
      return xhr as unknown as XMLHttpRequest;
    },
  });
  return { transport, xhrs };
}

describe('createXhrTransport', () => {
  it('PUTs the blob, reports upload progress and reads status, ETag and body', async () => {
    const { transport, xhrs } = setup();
    const body = new Blob(['hello']);
    const seen: number[] = [];
    const response = transport.put('https://s3/p1', body, { signal: new AbortController().signal, onProgress: (n) => seen.push(n) });
    const xhr = xhrs[0];
    if (!xhr) throw new Error('no xhr');
    expect([xhr.method, xhr.url, xhr.sent]).toEqual(['PUT', 'https://s3/p1', body]);
    xhr.upload.onprogress?.({ loaded: 3 });
    xhr.status = 200;
    xhr.headers = { etag: '"abc"' };
    xhr.onload?.();
    expect(await response).toEqual({ status: 200, etag: '"abc"', body: '' });
    expect(seen).toEqual([3]);
  });

  it('registers no upload listener when no progress is asked for', async () => {
    const { transport, xhrs } = setup();
    const response = transport.put('u', new Blob(['x']), { signal: new AbortController().signal });
    const xhr = xhrs[0];
    if (!xhr) throw new Error('no xhr');
    expect(xhr.upload.onprogress).toBeNull();
    xhr.status = 200;
    xhr.onload?.();
    expect((await response).status).toBe(200);
  });

  it('gives a null ETag when the header is not exposed', async () => {
    const { transport, xhrs } = setup();
    const response = transport.put('u', new Blob([]), { signal: new AbortController().signal, onProgress: () => undefined });
    const xhr = xhrs[0];
    if (!xhr) throw new Error('no xhr');
    xhr.status = 200;
    xhr.onload?.();
    expect((await response).etag).toBeNull();
  });

  it('rejects with NetworkError on error and timeout, and with the signal reason on abort', async () => {
    const { transport, xhrs } = setup();
    const options = { signal: new AbortController().signal, onProgress: () => undefined };
    const failed = transport.put('u', new Blob([]), options);
    xhrs[0]?.onerror?.();
    await expect(failed).rejects.toBeInstanceOf(NetworkError);
    const timedOut = transport.put('u', new Blob([]), options);
    xhrs[1]?.ontimeout?.();
    await expect(timedOut).rejects.toBeInstanceOf(NetworkError);

    const controller = new AbortController();
    const aborted = transport.put('u', new Blob([]), { signal: controller.signal, onProgress: () => undefined });
    const reason = new Error('paused');
    controller.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    expect(xhrs[2]?.aborted).toBe(true);
  });
});
