/**
 * Fetches the server's upload limits once at startup, checked with the shared
 * schema so a mismatched server fails here with a clear message, not later.
 */
import { API_ROUTES, ClientConfig } from '../../shared/api.js';

export class ConfigLoadError extends Error {
  override name = 'ConfigLoadError';
}

export async function loadClientConfig(fetchFn: typeof fetch = globalThis.fetch, signal?: AbortSignal): Promise<ClientConfig> {
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
  const parsed = ClientConfig.safeParse(await response.json().catch(() => null));
  if (!parsed.success) {
    throw new ConfigLoadError('The upload server sent settings this page does not understand. Reload the page; if it persists, the server and page versions differ.', {
      cause: parsed.error,
    });
  }
  return parsed.data;
}
