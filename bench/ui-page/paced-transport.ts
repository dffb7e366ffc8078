/**
 * A Transport that moves no bytes but takes as long as a real PUT would: each
 * part gets an equal share of the link, and reports progress on a timer the way
 * XHR's upload.onprogress does. The part's size travels in the fake URL, since
 * the bench file's slices are empty (its size is faked).
 */
import type { Transport, TransportResponse } from '../../client/engine/types.js';

export interface PacedTransportOptions {
  /** Bytes per second one part moves at (link speed ÷ parts in flight). */
  bytesPerSecondPerPart: number;
  progressIntervalMs: number;
}

export function partSizeOfUrl(url: string): number {
  const size = Number(new URL(url).searchParams.get('size'));
  if (!Number.isFinite(size) || size < 0) throw new TypeError(`bench URL without a size: ${url}`);
  return size;
}

export function createPacedTransport({ bytesPerSecondPerPart, progressIntervalMs }: PacedTransportOptions): Transport {
  return {
    put(url, _body, { signal, onProgress }) {
      const size = partSizeOfUrl(url);
      const durationMs = (size / bytesPerSecondPerPart) * 1000;
      return new Promise<TransportResponse>((resolve, reject) => {
        if (signal.aborted) {
          reject(signal.reason);
          return;
        }
        const started = performance.now();
        let timer: ReturnType<typeof setTimeout>;
        const onAbort = () => {
          clearTimeout(timer);
          reject(signal.reason);
        };
        const tick = () => {
          const elapsed = performance.now() - started;
          if (elapsed >= durationMs) {
            signal.removeEventListener('abort', onAbort);
            onProgress?.(size);
            resolve({ status: 200, etag: `"bench-${url.length}-${Math.round(elapsed)}"`, body: '' });
            return;
          }
          onProgress?.(Math.floor((size * elapsed) / durationMs));
          timer = setTimeout(tick, Math.min(progressIntervalMs, durationMs - elapsed));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        timer = setTimeout(tick, Math.min(progressIntervalMs, durationMs));
      });
    },
  };
}
