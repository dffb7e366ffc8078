/** Checks the config the server sent against the shared schema. */
import { ClientConfig } from '../../shared/api.js';
import { ConfigLoadError } from './load-config.js';

export function parseClientConfig(body: unknown): ClientConfig {
  const parsed = ClientConfig.safeParse(body);
  if (!parsed.success) {
    throw new ConfigLoadError('The upload server sent settings this page does not understand. Reload the page; if it persists, the server and page versions differ.', {
      cause: parsed.error,
    });
  }
  return parsed.data;
}
