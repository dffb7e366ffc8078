/**
 * An in-browser UploadApi that plans parts like the server and answers after a
 * fixed latency, so the bench page runs the real engine with no server calls.
 */
import { partLength, planParts } from '../../shared/part-plan.js';
import type { ChecksumMode, SignedPart } from '../../shared/api.js';
import { realClock } from '../../client/engine/clock.js';
import type { UploadApi, UploadSession } from '../../client/engine/types.js';

const URL_TTL_MS = 15 * 60_000;

/** Resolves with value() after ms, or rejects with signal.reason. */
async function answerAfter<T>(ms: number, signal: AbortSignal | undefined, value: () => T): Promise<T> {
  await realClock.sleep(ms, signal);
  return value();
}

export function createBenchUploadApi({
  partSize,
  latencyMs,
  checksumMode = 'off',
}: {
  partSize: number;
  latencyMs: number;
  /** md5 makes the engine hash every part (through its hasher) as it would against the real server. */
  checksumMode?: ChecksumMode;
}): UploadApi {
  let uploads = 0;
  let signatures = 0;
  return {
    create(request, signal) {
      return answerAfter(latencyMs, signal, (): UploadSession => {
        uploads += 1;
        const plan = planParts(request.size, partSize);
        return {
          uploadId: `bench-${uploads}`,
          key: `bench/${uploads}/${request.fileName}`,
          size: plan.size,
          partSize: plan.partSize,
          partCount: plan.partCount,
          token: `bench-token-${uploads}`,
          expiresAt: Date.now() + 86_400_000,
          checksum: { mode: checksumMode, etagIsMd5: false },
        };
      });
    },
    sign(session, parts, signal) {
      return answerAfter(latencyMs, signal, (): SignedPart[] => {
        signatures += 1;
        const expiresAt = Date.now() + URL_TTL_MS;
        return parts.map(({ partNumber, md5 }) => {
          const size = partLength(session, partNumber);
          const headers: Record<string, string> = md5 === undefined ? {} : { 'Content-MD5': md5 };
          return { partNumber, size, expiresAt, headers, url: `https://bench.invalid/${session.uploadId}?partNumber=${partNumber}&size=${size}&sig=${signatures}` };
        });
      });
    },
    listParts(_session, signal) {
      return answerAfter(latencyMs, signal, () => []);
    },
    complete(session, _parts, signal) {
      return answerAfter(latencyMs, signal, () => ({ key: session.key, size: session.size, etag: '"bench"', downloadUrl: '#bench' }));
    },
    abort(_session, signal) {
      return answerAfter(latencyMs, signal, () => undefined);
    },
  };
}
