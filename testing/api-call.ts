/** One call to the app's JSON API, as the server tests make it: an optional upload token and JSON body; the answer's JSON parsed (undefined when empty). */
import { UPLOAD_TOKEN_HEADER } from '../shared/api.js';
import type { TestApp } from './app-harness.js';

export interface ApiAnswer {
  status: number;
  headers: Headers;
  json: unknown;
}

export async function callApi(app: Pick<TestApp, 'baseUrl'>, method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<ApiAnswer> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers[UPLOAD_TOKEN_HEADER] = options.token;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${app.baseUrl}${path}`, { method, headers, ...(options.body !== undefined && { body: JSON.stringify(options.body) }) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? (JSON.parse(text) as unknown) : undefined };
}
