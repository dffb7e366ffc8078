/**
 * Fetches the server's upload limits once at startup. The body is checked with
 * the shared schema (parse-client-config.ts, with the upload screen's code) so
 * a mismatched server fails here with a clear message, not later; fetching
 * needs no schema, so the page's first script does not carry zod.
 */
import { API_ROUTES } from '../../shared/api-routes.js';

export class ConfigLoadError extends Error {
  override name = 'ConfigLoadError';
}

/** GET /api/config: the parsed JSON body (null when it is not JSON), not yet checked against the schema. */
export async function fetchClientConfig(fetchFn: typeof fetch = globalThis.fetch, signal?: AbortSignal): Promise<unknown> {
  let response: Response;
  try {
    response = await fetchFn(API_ROUTES.config, { signal: signal ?? null, headers: { accept: 'application/json' } });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ConfigLoadError('The upload server could not be reached. Check your connection, then try again.', { cause: error });
  }
  if (!response.ok) {
    throw new ConfigLoadError(`The upload server is not ready (it answered ${response.status}). Try again in a moment.`);
  }
  return response.json().catch(() => null);
}
