import { describe, expect, it } from 'vitest';
import { ConfigLoadError, fetchClientConfig } from './load-config.js';
import { parseClientConfig } from './parse-client-config.js';

const config = { maxFileSize: 1000, partSize: 8, concurrency: 4, partIdleTimeoutMs: 30_000, allowedContentTypes: ['image/*'], checksumMode: 'md5' };

function fakeFetch(answer: () => Response | Promise<Response>): typeof fetch & { urls: string[] } {
  const urls: string[] = [];
  const fn = async (input: RequestInfo | URL) => {
    urls.push(String(input));
    return answer();
  };
  return Object.assign(fn, { urls }) as typeof fetch & { urls: string[] };
}

/** What the page does: fetch, then check with the schema. */
async function loadClientConfig(fetchFn: typeof fetch) {
  return parseClientConfig(await fetchClientConfig(fetchFn));
}

describe('fetchClientConfig and parseClientConfig', () => {
  it('returns the parsed config from /api/config', async () => {
    const fetchFn = fakeFetch(() => Response.json(config));
    await expect(loadClientConfig(fetchFn)).resolves.toEqual(config);
    expect(fetchFn.urls).toEqual(['/api/config']);
  });

  it('says the server is not ready on an error status', async () => {
    const promise = fetchClientConfig(fakeFetch(() => new Response('nope', { status: 502 })));
    await expect(promise).rejects.toBeInstanceOf(ConfigLoadError);
    await expect(promise).rejects.toThrow('The upload server is not ready (it answered 502). Try again in a moment.');
  });

  it('refuses a body that does not match the contract', async () => {
    await expect(loadClientConfig(fakeFetch(() => Response.json({ maxFileSize: 'big' })))).rejects.toThrow(/does not understand/);
    await expect(loadClientConfig(fakeFetch(() => new Response('<html>')))).rejects.toThrow(/does not understand/);
    expect(() => parseClientConfig(null)).toThrow(ConfigLoadError);
  });

  it('says the server is unreachable when the request fails', async () => {
    const fetchFn = fakeFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    await expect(fetchClientConfig(fetchFn)).rejects.toThrow(/could not be reached/);
  });
});
