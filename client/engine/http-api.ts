/**
 * The server API over fetch. Every call carries the person's login: cookies
 * (same-origin by default), and a bearer token when the embedding page
 * supplies one through getToken. Upload-scoped calls carry the upload token
 * in the X-Upload-Token header; a non-2xx answer becomes an ApiError with the
 * code from the JSON error body and the wait the server asked for; a failed
 * connection becomes a NetworkError.
 */
import type { z } from 'zod';
import {
  API_ROUTES,
  ApiErrorBody,
  CompleteBatchResponse,
  CompleteUploadResponse,
  CreateBatchResponse,
  CreateUploadResponse,
  ListPartsResponse,
  SignPartsResponse,
  UPLOAD_TOKEN_HEADER,
} from '../../shared/api.js';
import type { CompleteBatchUpload, CreateBatchFile, SingleUploadResponse } from '../../shared/api.js';
import { MAX_BATCH_FILES } from '../../shared/limits.js';
import { ApiError, NetworkError, UploadError } from './errors.js';
import { RequestBatcher } from './request-batcher.js';
import { retryAfterMs } from './retry-after.js';
import type { UploadApi, UploadSession } from './types.js';

export interface HttpApiOptions {
  /** Prefix for API_ROUTES, e.g. 'https://uploads.example.com'; default '' (same origin). */
  baseUrl?: string;
  fetch?: typeof globalThis.fetch;
  /** Which calls send cookies: 'same-origin' (default) or 'include' for an API on another origin (its CORS must allow credentials). */
  credentials?: RequestCredentials;
  /**
   * The login token of the embedding page, sent as `Authorization: Bearer`; asked before every call, so a
   * renewed token is used at once. Undefined (or no function) sends none; a throw counts as "not signed in".
   */
  getToken?: () => string | undefined | Promise<string | undefined>;
  /** Wall clock for HTTP-date Retry-After values; default Date.now. */
  now?: () => number;
}

export function createHttpApi(options: HttpApiOptions = {}): UploadApi {
  const baseUrl = options.baseUrl ?? '';
  const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const credentials = options.credentials ?? 'same-origin';
  const now = options.now ?? Date.now;

  async function loginToken(): Promise<string | undefined> {
    try {
      return await options.getToken?.();
    } catch (error) {
      throw new ApiError(401, 'login_required', 'the page could not supply a login token', { cause: error });
    }
  }

  async function request(method: string, route: string, init: { token?: string; body?: unknown; signal?: AbortSignal | undefined }): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const login = await loginToken();
    if (login !== undefined && login !== '') headers.authorization = `Bearer ${login}`;
    if (init.token !== undefined) headers[UPLOAD_TOKEN_HEADER] = init.token;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetchImpl(baseUrl + route, {
        method,
        headers,
        body: init.body === undefined ? null : JSON.stringify(init.body),
        signal: init.signal ?? null,
        credentials,
      });
    } catch (error) {
      if (init.signal?.aborted) throw init.signal.reason;
      throw new NetworkError(`${method} ${route} failed: no response`, { cause: error });
    }
    const text = await response.text().catch((error: unknown) => {
      if (init.signal?.aborted) throw init.signal.reason;
      throw new NetworkError(`${method} ${route}: the response body was cut off`, { cause: error });
    });
    if (!response.ok) throw toApiError(response.status, text, retryAfterMs(response.headers, now()));
    return text === '' ? undefined : parseJson(text, method, route);
  }

  function parse<S extends z.ZodType>(schema: S, value: unknown, route: string): z.infer<S> {
    const result = schema.safeParse(value);
    if (!result.success) throw new UploadError(`unexpected response from ${route}`, { cause: result.error });
    return result.data;
  }

  // Small files created close together share one batch call; two in flight keep the PUTs fed.
  const singles = new RequestBatcher<CreateBatchFile, SingleUploadResponse>({
    maxBatch: MAX_BATCH_FILES,
    maxInFlight: 2,
    send: async (files) => {
      const { results } = parse(CreateBatchResponse, await request('POST', API_ROUTES.batch, { body: { files } }), API_ROUTES.batch);
      return results.map((result) => ('upload' in result ? result.upload : new ApiError(result.status, result.error.code, result.error.message)));
    },
  });

  // Their completes likewise: each by its own token, answered one by one.
  const singleCompletes = new RequestBatcher<CompleteBatchUpload, CompleteUploadResponse>({
    maxBatch: MAX_BATCH_FILES,
    maxInFlight: 2,
    send: async (uploads) => {
      const route = API_ROUTES.completeBatch;
      const { results } = parse(CompleteBatchResponse, await request('POST', route, { body: { uploads } }), route);
      return results.map((result) => ('completed' in result ? result.completed : new ApiError(result.status, result.error.code, result.error.message)));
    },
  });

  return {
    createSingle(body, signal) {
      return singles.add(body, signal);
    },
    async create(body, signal) {
      return parse(CreateUploadResponse, await request('POST', API_ROUTES.uploads, { body, signal }), API_ROUTES.uploads);
    },
    async sign(session: UploadSession, parts, signal) {
      const value = await request('POST', API_ROUTES.sign, { token: session.token, body: { parts }, signal });
      return parse(SignPartsResponse, value, API_ROUTES.sign).parts;
    },
    async listParts(session, signal) {
      return parse(ListPartsResponse, await request('GET', API_ROUTES.parts, { token: session.token, signal }), API_ROUTES.parts).parts;
    },
    async complete(session, body, signal) {
      // A single PUT's complete carries nothing but its ETag: it shares a batch call with others.
      const [part] = body.parts;
      if (session.single && part !== undefined && body.parts.length === 1 && body.expectedEtag === undefined) {
        return singleCompletes.add({ token: session.token, etag: part.etag }, signal);
      }
      const value = await request('POST', API_ROUTES.complete, { token: session.token, body, signal });
      return parse(CompleteUploadResponse, value, API_ROUTES.complete);
    },
    async abort(session, signal) {
      await request('DELETE', API_ROUTES.uploads, { token: session.token, signal });
    },
  };
}

function parseJson(text: string, method: string, route: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UploadError(`${method} ${route}: the response is not JSON`, { cause: error });
  }
}

function toApiError(status: number, text: string, retryAfter: number | undefined): ApiError {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const body = ApiErrorBody.safeParse(json);
  if (body.success) return new ApiError(status, body.data.error.code, body.data.error.message, { retryAfterMs: retryAfter });
  return new ApiError(status, 'unknown', `HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`, { retryAfterMs: retryAfter });
}
