/**
 * API latency while the store is busy: `movers` multipart uploads PUT 8 MiB
 * parts back to back through the real server's store for the whole window,
 * while probe uploads (create, sign, a 64 KiB PUT, complete) start at a fixed
 * rate, each on its own (open loop: a slow answer does not slow the next
 * probe's start, so queueing shows in the figures). What a deployment sees
 * when many people upload at once: the API's answers while bytes flow.
 */
import { API_ROUTES, UPLOAD_TOKEN_HEADER } from '../../shared/api.js';
import type { CreateUploadResponse, SignPartsResponse } from '../../shared/api.js';
import { BenchApiError, md5Of, noLatencies, postJson, putPart, timedUpload } from './timed-upload.js';
import type { Latencies } from './timed-upload.js';

export interface BusyApiOptions {
  baseUrl: string;
  /** Uploads moving bytes during the window. */
  movers: number;
  /** Bytes of each mover's parts (the server's part size for its file). */
  partSize: number;
  /** Probe uploads started per second. */
  probesPerSecond: number;
  windowMs: number;
  probeBytes: number;
}

export interface BusyApiRun {
  latencies: Latencies;
  /** Bytes the movers stored per second during the window. */
  moverMegabytesPerSecond: number;
  probes: number;
  /** Mover PUTs that failed (the mover goes on with its next part). */
  moverErrors: string[];
  /** Probe uploads that failed, with why. */
  probeErrors: string[];
}

/** An error with its cause (fetch's TypeError hides the socket error there). */
function describe(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${String(error)}${cause}`;
}

/** Mover part numbers cycle over this many parts (each re-PUT replaces the part), so the store's disk use stays bounded. */
const MOVER_PARTS = 2;

async function abort(baseUrl: string, token: string): Promise<void> {
  const response = await fetch(baseUrl + API_ROUTES.uploads, { method: 'DELETE', headers: { [UPLOAD_TOKEN_HEADER]: token } });
  await response.arrayBuffer();
  if (!response.ok) throw new BenchApiError(`abort answered ${response.status}`);
}

export async function runBusyApi(options: BusyApiOptions): Promise<BusyApiRun> {
  const { baseUrl, movers, partSize } = options;
  const moverBody = new Uint8Array(partSize).map((_, i) => (i * 7919) % 251);
  const moverMd5 = md5Of(moverBody).toString('base64');
  const sessions = await Promise.all(
    Array.from({ length: movers }, async (_, index) => {
      const session = await postJson<CreateUploadResponse>(baseUrl + API_ROUTES.uploads, {
        fileName: `mover-${index}.bin`,
        size: partSize * 10,
        contentType: 'application/octet-stream',
      });
      if (session.partSize !== partSize) throw new BenchApiError(`the server plans ${session.partSize}-byte parts, the bench sends ${partSize}`);
      const parts = Array.from({ length: MOVER_PARTS }, (_, i) => ({ partNumber: i + 1, md5: moverMd5 }));
      const { parts: signed } = await postJson<SignPartsResponse>(baseUrl + API_ROUTES.sign, { parts }, session.token);
      return { token: session.token, signed };
    }),
  );

  let stopping = false;
  let moved = 0;
  const started = performance.now();
  const moverErrors: string[] = [];
  const moving = sessions.map(async ({ signed }) => {
    for (let n = 0; !stopping; n += 1) {
      try {
        await putPart(signed[n % signed.length]!, moverBody);
        if (!stopping) moved += partSize;
      } catch (error) {
        moverErrors.push(describe(error));
      }
    }
  });

  const latencies = noLatencies();
  const probeBody = new Uint8Array(options.probeBytes).fill(3);
  const probes: Promise<void>[] = [];
  const probeErrors: string[] = [];
  const interval = 1000 / options.probesPerSecond;
  for (let index = 0; performance.now() - started < options.windowMs; index += 1) {
    probes.push(
      timedUpload(baseUrl, `probe-${index}.bin`, probeBody, latencies).catch((error: unknown) => {
        probeErrors.push(describe(error));
      }),
    );
    const nextAt = started + (index + 1) * interval;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, nextAt - performance.now())));
  }
  const seconds = (performance.now() - started) / 1000;
  stopping = true;
  await Promise.all([...moving, ...probes]);
  await Promise.all(sessions.map(({ token }) => abort(baseUrl, token)));
  return { latencies, moverMegabytesPerSecond: moved / 1e6 / seconds, probes: probes.length, moverErrors, probeErrors };
}
