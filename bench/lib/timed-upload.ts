/**
 * The server bench's client side: JSON calls to the app's API, part PUTs to
 * the presigned URLs, and one timed upload of a one-part file (create, sign,
 * PUT, complete; each API call's latency recorded). Used by the closed-loop
 * latency run and by the busy-store probes (busy-api.ts).
 */
import { createHash } from 'node:crypto';
import { API_ROUTES, UPLOAD_TOKEN_HEADER } from '../../shared/api.js';
import type { CompleteUploadResponse, CreateUploadResponse, SignPartsResponse, SignedPart } from '../../shared/api.js';

export class BenchApiError extends Error {
  override name = 'BenchApiError';
}

export const CALL_TYPES = ['create', 'sign', 'complete'] as const;
export type CallType = (typeof CALL_TYPES)[number];
export type Latencies = Record<CallType, number[]>;

export const noLatencies = (): Latencies => ({ create: [], sign: [], complete: [] });

export async function postJson<T>(url: string, body: unknown, token?: string): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (token !== undefined) headers[UPLOAD_TOKEN_HEADER] = token;
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new BenchApiError(`POST ${new URL(url).pathname} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** PUTs one part to its presigned URL; its ETag. */
export async function putPart(part: SignedPart, body: Uint8Array<ArrayBuffer>): Promise<string> {
  const response = await fetch(part.url, { method: 'PUT', body, headers: part.headers });
  const etag = response.headers.get('etag');
  await response.arrayBuffer();
  if (!response.ok || etag === null) throw new BenchApiError(`part PUT answered ${response.status} (ETag ${etag ?? 'missing'})`);
  return etag;
}

/** An error with its cause (fetch's TypeError hides the socket error there). */
export function describeError(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${String(error)}${cause}`;
}

export const md5Of = (bytes: Uint8Array) => createHash('md5').update(bytes).digest();

async function timed<T>(latencies: Latencies, type: CallType, call: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await call();
  latencies[type].push(performance.now() - started);
  return result;
}

/** Uploads `body` as a one-part file named `fileName`, recording create, sign and complete latencies. */
export async function timedUpload(baseUrl: string, fileName: string, body: Uint8Array<ArrayBuffer>, latencies: Latencies): Promise<void> {
  const md5 = md5Of(body);
  const session = await timed(latencies, 'create', () =>
    postJson<CreateUploadResponse>(baseUrl + API_ROUTES.uploads, { fileName, size: body.length, contentType: 'application/octet-stream' }),
  );
  const { parts } = await timed(latencies, 'sign', () =>
    postJson<SignPartsResponse>(baseUrl + API_ROUTES.sign, { parts: [{ partNumber: 1, md5: md5.toString('base64') }] }, session.token),
  );
  const [part] = parts;
  if (part === undefined) throw new BenchApiError('sign answered no URL');
  const etag = await putPart(part, body);
  const expectedEtag = `${md5Of(md5).toString('hex')}-1`;
  const done = await timed(latencies, 'complete', () =>
    postJson<CompleteUploadResponse>(baseUrl + API_ROUTES.complete, { parts: [{ partNumber: 1, etag }], expectedEtag }, session.token),
  );
  if (done.size !== body.length) throw new BenchApiError(`complete stored ${done.size} bytes, expected ${body.length}`);
}
