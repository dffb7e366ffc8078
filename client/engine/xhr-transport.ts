/**
 * Browser transport: one XMLHttpRequest PUT per part attempt. XHR (not fetch)
 * because only XHR reports upload progress.
 */
import { NetworkError } from './errors.js';
import type { Transport } from './types.js';

export interface XhrTransportOptions {
  /** Default: the global XMLHttpRequest. */
  createXhr?: () => XMLHttpRequest;
  /** Gives up on an attempt after this many ms (a NetworkError, retried); default 0 = no timeout. */
  timeoutMs?: number;
}

export function createXhrTransport(options: XhrTransportOptions = {}): Transport {
  const createXhr = options.createXhr ?? (() => new XMLHttpRequest());
  return {
    put(url, body, { signal, onProgress, headers }) {
      return new Promise((resolve, reject) => {
        if (signal.aborted) {
          reject(signal.reason);
          return;
        }
        const xhr = createXhr();
        const onAbort = () => xhr.abort();
        const settle = () => signal.removeEventListener('abort', onAbort);
        xhr.open('PUT', url);
        for (const [name, value] of Object.entries(headers ?? {})) xhr.setRequestHeader(name, value);
        xhr.timeout = options.timeoutMs ?? 0;
        // Only with a listener registered before send() does Chromium report upload progress to the page at all.
        if (onProgress) xhr.upload.onprogress = (event) => onProgress(event.loaded);
        xhr.onload = () => {
          settle();
          // An ETag the bucket's CORS rules do not expose reads as null.
          resolve({ status: xhr.status, etag: xhr.getResponseHeader('ETag'), body: xhr.responseText });
        };
        xhr.onerror = () => {
          settle();
          reject(new NetworkError(`PUT of ${body.size} bytes failed: no response`));
        };
        xhr.ontimeout = () => {
          settle();
          reject(new NetworkError(`PUT of ${body.size} bytes timed out after ${xhr.timeout} ms`));
        };
        xhr.onabort = () => {
          settle();
          reject(signal.aborted ? signal.reason : new NetworkError('PUT aborted by the browser'));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        xhr.send(body);
      });
    },
  };
}
