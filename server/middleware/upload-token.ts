/**
 * Reads and verifies the X-Upload-Token header of upload-scoped calls, and
 * that the caller (from authenticate) is the upload's owner.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { UPLOAD_TOKEN_HEADER } from '../../shared/api.js';
import type { Clock } from '../clock.js';
import { ForbiddenError, InvalidTokenError } from '../errors.js';
import { verifyUploadToken } from '../upload-token.js';
import type { UploadTokenPayload } from '../upload-token.js';
import { callerOf } from './auth.js';

const UPLOAD_KEY = 'upload';

export function requireUploadToken(options: { secret: string; clock: Clock }): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    // Tokens in URLs leak into logs, proxies and browser history: refuse them outright.
    if (Object.keys(req.query).some((name) => /token/i.test(name))) {
      return next(new InvalidTokenError(`send the upload token in the ${UPLOAD_TOKEN_HEADER} header, never in the URL`));
    }
    const token = req.get(UPLOAD_TOKEN_HEADER);
    if (token === undefined || token === '') return next(new InvalidTokenError(`missing ${UPLOAD_TOKEN_HEADER} header`));
    const payload = verifyOwnedUploadToken(token, options, callerOf(res).identity);
    res.locals[UPLOAD_KEY] = payload;
    res.locals.uploadId = payload.uploadId;
    next();
  };
}

/** A genuine, unexpired token of the caller's own upload; throws InvalidTokenError, TokenExpiredError or ForbiddenError otherwise. */
export function verifyOwnedUploadToken(token: string, options: { secret: string; clock: Clock }, identity: string | null): UploadTokenPayload {
  const payload = verifyUploadToken(token, options.secret, options.clock);
  // The owner is inside the HMAC: a token handed to someone else is still only its owner's.
  if ((payload.owner ?? null) !== identity) throw new ForbiddenError();
  return payload;
}

/** The verified token of this request; only valid after requireUploadToken. */
export function uploadOf(res: Response): UploadTokenPayload {
  const payload = res.locals[UPLOAD_KEY] as UploadTokenPayload | undefined;
  if (payload === undefined) throw new Error('uploadOf called on a route without requireUploadToken');
  return payload;
}
