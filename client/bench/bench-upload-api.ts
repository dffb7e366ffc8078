/**
 * An in-browser UploadApi that plans parts like the server and answers after a
 * fixed latency, so the bench page runs the real engine with no server calls.
 */
import { partLength, planParts } from '../../shared/part-plan.js';
import type { SignedPart } from '../../shared/api.js';
import { realClock } from '../engine/clock.js';
import type { UploadApi, UploadSession } from '../engine/types.js';

const URL_TTL_MS = 15 * 60_000;

/** Resolves with value() after ms, or rejects with signal.reason. */
async function answerAfter<T>(ms: number, signal: AbortSignal | undefined, value: () => T): Promise<T> {
  await realClock.sleep(ms, signal);
  return value();
}

export function createBenchUploadApi({ partSize, latencyMs }: { partSize: number; latencyMs: number }): UploadApi {
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
        };
      });
    },
    sign(session, partNumbers, signal) {
      return answerAfter(latencyMs, signal, (): SignedPart[] => {
        signatures += 1;
        const expiresAt = Date.now() + URL_TTL_MS;
        return partNumbers.map((partNumber) => {
          const size = partLength(session, partNumber);
          return { partNumber, size, expiresAt, url: `https://bench.invalid/${session.uploadId}?partNumber=${partNumber}&size=${size}&sig=${signatures}` };
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
