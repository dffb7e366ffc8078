/**
 * Rate limits budgeted the way uploads are used: calls that start uploads are
 * counted per client (the signed-in identity, or the IP address in open mode),
 * and calls on an upload (sign, parts, complete, abort) per upload, so a drop
 * of a thousand small files costs a thousand starts, not four thousand calls
 * against one budget. With several replicas the counts live in a shared store
 * (Redis), so every replica sees the same budget.
 */
import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { Store } from 'express-rate-limit';
import { RateLimitedError } from '../errors.js';
import type { Caller } from './auth.js';
import { uploadOf } from './upload-token.js';

export const RATE_LIMIT_WINDOW_MS = 60_000;

/** Makes one counting store per limiter (each with its own key prefix); undefined counts in this process's memory. */
export type RateLimitStoreFactory = (name: string) => Store;

function limiter(name: string, limit: number, key: (req: Request, res: Response) => string, storeFor: RateLimitStoreFactory | undefined): RequestHandler {
  return rateLimit({
    windowMs: RATE_LIMIT_WINDOW_MS,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    identifier: name,
    keyGenerator: key,
    // A shared store that stops answering must not take uploads down with it; the library logs each miss.
    passOnStoreError: true,
    ...(storeFor !== undefined && { store: storeFor(name) }),
    handler: (_req, _res, next) => next(new RateLimitedError()),
  });
}

const passThrough: RequestHandler = (_req, _res, next) => next();

/** Per client: the identity when authenticate has run and found one, otherwise the IP address. */
export function perClientRateLimit(limit: number, storeFor?: RateLimitStoreFactory): RequestHandler {
  if (limit <= 0) return passThrough;
  return limiter(
    'per-client',
    limit,
    (req, res) => {
      const identity = (res.locals.caller as Caller | undefined)?.identity ?? null;
      return identity === null ? `ip:${ipKeyGenerator(req.ip ?? '')}` : `id:${identity}`;
    },
    storeFor,
  );
}

/** Per upload: after requireUploadToken (the upload id comes from the verified token). */
export function perUploadRateLimit(limit: number, storeFor?: RateLimitStoreFactory): RequestHandler {
  if (limit <= 0) return passThrough;
  return limiter(
    'per-upload',
    limit,
    (_req, res) => {
      // A single-PUT upload has no upload id (it is ''): its key, unique per upload, names it instead.
      const { uploadId, key } = uploadOf(res);
      return uploadId === '' ? `put:${key}` : `upload:${uploadId}`;
    },
    storeFor,
  );
}
