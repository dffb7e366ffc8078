/** The request headers S3 keeps with an object, and how they come back on GET/HEAD. */
import type { IncomingMessage } from 'node:http';
import type { StoredHeaders } from './store-model.js';

const KEPT = ['cache-control', 'content-disposition', 'content-language', 'expires'];

const DISPLAY_NAMES: Record<string, string> = {
  'cache-control': 'Cache-Control',
  'content-disposition': 'Content-Disposition',
  'content-encoding': 'Content-Encoding',
  'content-language': 'Content-Language',
  expires: 'Expires',
};

export const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';

/**
 * The headers kept with an object: only those the signature covers, so the
 * holder of a presigned URL cannot attach a type, disposition or metadata its
 * signer never chose (unsigned ones are ignored; the type falls back to the default).
 */
export function storedHeadersFrom(req: IncomingMessage, signedHeaders: ReadonlySet<string>): StoredHeaders {
  const extra: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value !== 'string' || !signedHeaders.has(name)) continue;
    if (KEPT.includes(name) || name.startsWith('x-amz-meta-')) extra[name] = value;
  }
  // aws-chunked is transfer framing, not a property of the stored object.
  const encoding = (signedHeaders.has('content-encoding') ? (req.headers['content-encoding'] ?? '') : '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '' && e !== 'aws-chunked')
    .join(',');
  if (encoding !== '') extra['content-encoding'] = encoding;
  const contentType = signedHeaders.has('content-type') ? req.headers['content-type'] : undefined;
  return { contentType: contentType ?? DEFAULT_CONTENT_TYPE, extra };
}

export function storedHeadersToResponse(headers: StoredHeaders): Record<string, string> {
  const out: Record<string, string> = { 'Content-Type': headers.contentType };
  for (const [name, value] of Object.entries(headers.extra)) out[DISPLAY_NAMES[name] ?? name] = value;
  return out;
}
