/**
 * A scripted stand-in for the engine's Uploader, for the demo harness and
 * screenshots: no server, no network. Each file gets a script saying what its
 * upload does: hold at a snapshot, succeed, fail, or simulate a live upload.
 */
import type { Uploader, UploadOptions } from '../../../engine/uploader.js';
import type { PartProgress, PartState, UploadProgress, UploadResult, UploadSession } from '../../../engine/types.js';

export type FakeScript =
  /** Reports one snapshot and waits until aborted. */
  | { kind: 'hold'; progress: UploadProgress }
  | { kind: 'succeed'; progress: UploadProgress; result: UploadResult }
  | { kind: 'fail'; progress?: UploadProgress; error: unknown }
  /** Moves bytes over time with `concurrency` parts in flight; pause and resume keep stored parts. */
  | { kind: 'simulate'; partSize: number; bytesPerSecond: number; concurrency: number };

const TICK_MS = 50;

export function createFakeUploader(scriptFor: (file: File) => FakeScript): Uploader {
  const storedParts = new Map<string, Set<number>>(); // uploadId -> stored part numbers, for resume
  let uploads = 0;

  return {
    discard: () => Promise.resolve(),
    upload(file, options = {}) {
      if (!(file instanceof File)) return Promise.reject(new TypeError('the fake uploader takes File objects'));
      const script = scriptFor(file);
      const session = options.session ?? makeSession(file, script, ++uploads);
      options.onSession?.(session);
      switch (script.kind) {
        case 'hold':
          options.onProgress?.(script.progress);
          return untilAborted(options.signal);
        case 'succeed':
          options.onProgress?.(script.progress);
          return Promise.resolve(script.result);
        case 'fail':
          if (script.progress) options.onProgress?.(script.progress);
          return Promise.reject(script.error);
        case 'simulate': {
          const stored = storedParts.get(session.uploadId) ?? new Set<number>();
          storedParts.set(session.uploadId, stored);
          return simulate(file, session, script, stored, options);
        }
      }
    },
  };
}

function makeSession(file: File, script: FakeScript, n: number): UploadSession {
  const partSize = script.kind === 'simulate' ? script.partSize : (script.progress?.parts[0]?.size ?? file.size);
  const partCount = script.kind === 'simulate' ? Math.max(1, Math.ceil(file.size / partSize)) : (script.progress?.parts.length ?? 1);
  return { uploadId: `demo-${n}`, key: `uploads/demo-${n}/${file.name}`, size: file.size, partSize, partCount, token: 'demo',
    expiresAt: Date.now() + 3_600_000,
    checksum: { mode: 'md5', etagIsMd5: true },
  };
}

function untilAborted(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => {
    signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

function simulate(
  file: File,
  session: UploadSession,
  script: Extract<FakeScript, { kind: 'simulate' }>,
  stored: Set<number>,
  { signal, onProgress }: UploadOptions,
): Promise<UploadResult> {
  return new Promise((resolve, reject) => {
    let parts: PartProgress[] = Array.from({ length: session.partCount }, (_, i) => {
      const partNumber = i + 1;
      const size = Math.min(session.partSize, file.size - i * session.partSize);
      return { partNumber, size, sentBytes: stored.has(partNumber) ? size : 0, state: stored.has(partNumber) ? 'done' : 'queued' };
    });
    let next = 0; // index of the next part that may start
    const speed = { value: 0 };
    const replace = (index: number, change: Partial<{ sentBytes: number; state: PartState }>) => {
      const part = parts[index];
      if (part) parts[index] = { ...part, ...change }; // only changed parts are new objects, like the engine
    };

    const timer = setInterval(() => {
      parts = parts.slice();
      let inFlight = parts.filter((p) => p.state === 'uploading' || p.state === 'signing').length;
      while (inFlight < script.concurrency && next < parts.length) {
        if (parts[next]?.state === 'queued') {
          replace(next, { state: 'signing' });
          inFlight += 1;
        }
        next += 1;
      }
      const share = (script.bytesPerSecond * TICK_MS) / 1000 / Math.max(1, inFlight);
      parts.forEach((part, index) => {
        if (part.state === 'signing') replace(index, { state: 'uploading' });
        else if (part.state === 'uploading') {
          const sentBytes = Math.min(part.size, part.sentBytes + share * (0.6 + Math.random() * 0.8));
          replace(index, sentBytes >= part.size ? { sentBytes: part.size, state: 'done' } : { sentBytes: Math.floor(sentBytes) });
          if (sentBytes >= part.size) stored.add(part.partNumber);
        }
      });
      const transferredBytes = parts.reduce((sum, p) => sum + p.sentBytes, 0);
      speed.value = speed.value === 0 ? script.bytesPerSecond : speed.value * 0.9 + script.bytesPerSecond * (0.85 + Math.random() * 0.3) * 0.1;
      const left = file.size - transferredBytes;
      onProgress?.({ transferredBytes, totalBytes: file.size, bytesPerSecond: speed.value, etaSeconds: left / speed.value, parts });
      if (left <= 0) {
        clearInterval(timer);
        setTimeout(() => resolve({ key: session.key, size: file.size, etag: `"${session.uploadId}-${session.partCount}"`, downloadUrl: '#download' }), 600);
      }
    }, TICK_MS);

    signal?.addEventListener(
      'abort',
      () => {
        clearInterval(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
