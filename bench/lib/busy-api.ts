/**
 * API latency while the store is busy: `movers` multipart uploads PUT 8 MiB
 * parts back to back through the real server's store for the whole window,
 * while probe uploads (create, sign, a 64 KiB PUT, complete) start at a fixed
 * rate, each on its own (open loop: a slow answer does not slow the next
 * probe's start, so queueing shows in the figures). What a deployment sees
 * when many people upload at once: the API's answers while bytes flow.
 */
import { createHash } from 'node:crypto';
import { API_ROUTES, UPLOAD_TOKEN_HEADER } from '../../shared/api.js';
import type { CompleteUploadResponse, CreateUploadResponse, SignPartsResponse, SignedPart } from '../../shared/api.js';

export class BusyApiError extends Error {
  override name = 'BusyApiError';
}

export const BUSY_CALL_TYPES = ['create', 'sign', 'complete'] as const;
export type BusyCallType = (typeof BUSY_CALL_TYPES)[number];

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
  latencies: Record<BusyCallType, number[]>;
  /** Bytes the movers stored per second during the window. */
  moverMegabytesPerSecond: number;
  probes: number;
  /** Mover PUTs that failed (the mover goes on with its next part). */
  moverErrors: string[];
  /** Probe uploads that failed, with why. */
  probeErrors: string[];
}

async function postJson<T>(url: string, body: unknown, token?: string): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (token !== undefined) headers[UPLOAD_TOKEN_HEADER] = token;
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new BusyApiError(`POST ${new URL(url).pathname} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

async function put(part: SignedPart, body: Uint8Array<ArrayBuffer>): Promise<string> {
  const response = await fetch(part.url, { method: 'PUT', body, headers: part.headers });
  const etag = response.headers.get('etag');
  await response.arrayBuffer();
  if (!response.ok || etag === null) throw new BusyApiError(`part PUT answered ${response.status} (ETag ${etag ?? 'missing'})`);
  return etag;
}

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest();


/** Mover part numbers cycle over this many parts (each re-PUT replaces the part), so the store's disk use stays bounded. */
const MOVER_PARTS = 2;

async function abort(baseUrl: string, token: string): Promise<void> {
  const response = await fetch(baseUrl + API_ROUTES.uploads, { method: 'DELETE', headers: { [UPLOAD_TOKEN_HEADER]: token } });
  await response.arrayBuffer();
  if (!response.ok) throw new BusyApiError(`abort answered ${response.status}`);
}

export async function runBusyApi(options: BusyApiOptions): Promise<BusyApiRun> {
  const { baseUrl, movers, partSize } = options;
  const moverBody = new Uint8Array(partSize).map((_, i) => (i * 7919) % 251);
  const moverMd5 = md5(moverBody).toString('base64');
  const sessions = await Promise.all(
    Array.from({ length: movers }, async (_, index) => {
      const session = await postJson<CreateUploadResponse>(baseUrl + API_ROUTES.uploads, {
        fileName: `mover-${index}.bin`,
        size: partSize * 10,
        contentType: 'application/octet-stream',
      });
      if (session.partSize !== partSize) throw new BusyApiError(`the server plans ${session.partSize}-byte parts, the bench sends ${partSize}`);
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
        await put(signed[n % signed.length]!, moverBody);
        if (!stopping) moved += partSize;
      } catch (error) {
        const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
        moverErrors.push(`${String(error)}${cause}`);
      }
    }
  });

  const latencies: Record<BusyCallType, number[]> = { create: [], sign: [], complete: [] };
  const timed = async <T>(type: BusyCallType, call: () => Promise<T>): Promise<T> => {
    const callStarted = performance.now();
    const result = await call();
    latencies[type].push(performance.now() - callStarted);
    return result;
  };
  const probeBody = new Uint8Array(options.probeBytes).fill(3);
  const probeMd5 = md5(probeBody);
  const probeOnce = async (index: number) => {
    const session = await timed('create', () =>
      postJson<CreateUploadResponse>(baseUrl + API_ROUTES.uploads, { fileName: `probe-${index}.bin`, size: probeBody.length, contentType: 'application/octet-stream' }),
    );
    const { parts } = await timed('sign', () =>
      postJson<SignPartsResponse>(baseUrl + API_ROUTES.sign, { parts: [{ partNumber: 1, md5: probeMd5.toString('base64') }] }, session.token),
    );
    const etag = await put(parts[0]!, probeBody);
    const expectedEtag = `${md5(probeMd5).toString('hex')}-1`;
    const done = await timed('complete', () =>
      postJson<CompleteUploadResponse>(baseUrl + API_ROUTES.complete, { parts: [{ partNumber: 1, etag }], expectedEtag }, session.token),
    );
    if (done.size !== probeBody.length) throw new BusyApiError(`complete stored ${done.size} bytes, expected ${probeBody.length}`);
  };
  const probes: Promise<void>[] = [];
  const probeErrors: string[] = [];
  const interval = 1000 / options.probesPerSecond;
  for (let index = 0; performance.now() - started < options.windowMs; index += 1) {
    probes.push(
      probeOnce(index).catch((error: unknown) => {
        const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
        probeErrors.push(`${String(error)}${cause}`);
      }),
    );
    const nextAt = started + (index + 1) * interval;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, nextAt - performance.now())));
  }
  const seconds = (performance.now() - started) / 1000;
  const movedInWindow = moved;
  stopping = true;
  await Promise.all([...moving, ...probes]);
  await Promise.all(sessions.map(({ token }) => abort(baseUrl, token)));
  return { latencies, moverMegabytesPerSecond: movedInWindow / 1e6 / seconds, probes: probes.length, moverErrors, probeErrors };
}
