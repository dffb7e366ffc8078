/** CORS on the wire: answering preflights and decorating actual responses from the bucket's rules. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { corsForbidden, corsResponseHeaders, findCorsRule, parseRequestHeaderList } from './cors.js';
import type { DiskStore } from './disk-store.js';
import { sendEmpty } from './respond.js';
import { S3Error } from './s3-error.js';

const NOT_ALLOWED =
  "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.";

/** Answers an OPTIONS preflight (no auth, as in S3) or throws the S3 error. */
export function answerPreflight(req: IncomingMessage, res: ServerResponse, store: DiskStore, bucketName: string): void {
  const origin = req.headers.origin;
  if (origin === undefined) throw new S3Error(400, 'BadRequest', 'Insufficient information. Origin request header needed.');
  const method = req.headers['access-control-request-method'];
  if (method === undefined) throw new S3Error(400, 'BadRequest', 'Invalid Access-Control-Request-Method: null');
  const bucket = store.bucket(bucketName);
  if (!bucket) throw corsForbidden('CORSResponse: Bucket not found');
  if (!bucket.cors) throw corsForbidden('CORSResponse: CORS is not enabled for this bucket.');
  const requested = parseRequestHeaderList(req.headers['access-control-request-headers']);
  const rule = findCorsRule(bucket.cors, origin, method, requested);
  if (!rule) throw corsForbidden(NOT_ALLOWED);
  sendEmpty(res, 200, corsResponseHeaders(rule, origin, requested));
}

/** Sets CORS headers for an actual request whose Origin and method match a rule of the bucket. */
export function applyCorsHeaders(req: IncomingMessage, res: ServerResponse, store: DiskStore, bucketName: string): void {
  const origin = req.headers.origin;
  if (bucketName === '') return;
  const rules = store.bucket(bucketName)?.cors;
  if (!rules) return;
  res.setHeader('Vary', 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method');
  if (origin === undefined) return;
  const rule = findCorsRule(rules, origin, req.method ?? 'GET');
  if (!rule) return;
  for (const [name, value] of Object.entries(corsResponseHeaders(rule, origin))) res.setHeader(name, value);
}

/**
 * A browser sends a cross-site POST (a "simple" request) without asking first,
 * so CORS alone cannot stop a foreign page from creating uploads or deleting
 * objects with a URL it got hold of. Unlike S3, the store refuses a POST whose
 * Origin the bucket's CORS rules do not allow, before it is authenticated or run.
 */
export function refuseForeignPost(req: IncomingMessage, store: DiskStore, bucketName: string): void {
  const origin = req.headers.origin;
  if (req.method !== 'POST' || origin === undefined) return;
  const rules = bucketName === '' ? null : store.bucket(bucketName)?.cors;
  if (!rules || !findCorsRule(rules, origin, 'POST')) throw corsForbidden(NOT_ALLOWED);
}
