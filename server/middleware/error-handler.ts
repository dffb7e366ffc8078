/**
 * The one error handler: typed errors become `{ error: { code, message, issues? } }`
 * with their status; anything unexpected is logged and answered with a generic 500.
 */
import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { ApiErrorBody } from '../../shared/api.js';
import { ApiError, InvalidRequestError, MethodNotAllowedError, NotFoundError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../errors.js';

interface HttpErrorShape {
  type?: unknown;
  status?: unknown;
  limit?: unknown;
  expose?: unknown;
}

/** body-parser and other http-errors carry `type` and `status`. */
function fromHttpError(error: unknown): ApiError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { type, status, limit, expose } = error as HttpErrorShape;
  switch (type) {
    case 'entity.parse.failed':
      return new InvalidRequestError('request body is not valid JSON', { cause: error });
    case 'entity.too.large':
      return new PayloadTooLargeError(typeof limit === 'number' ? limit : 0, { cause: error });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new UnsupportedMediaTypeError('request body must be UTF-8 JSON', { cause: error });
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new InvalidRequestError('request body could not be read', { cause: error });
  }
  if (typeof status === 'number' && status >= 400 && status < 500 && expose === true) {
    return new InvalidRequestError(error instanceof Error ? error.message : 'invalid request', { cause: error });
  }
  return undefined;
}

export function toApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  return fromHttpError(error);
}

export function errorBody(error: ApiError): ApiErrorBody {
  return { error: { code: error.code, message: error.message, ...(error.issues && { issues: error.issues }) } };
}

export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const apiError = toApiError(error);
    if (apiError) {
      if (apiError.status >= 500) logger.warn({ err: error, url: req.originalUrl }, apiError.message);
      res.set(apiError.headers);
      res.status(apiError.status).json(errorBody(apiError));
      return;
    }
    logger.error({ err: error, method: req.method, url: req.originalUrl }, 'unhandled error');
    const body: ApiErrorBody = { error: { code: 'internal', message: 'internal server error' } };
    res.status(500).json(body);
  };
}

/** Unknown routes under /api. */
export function apiNotFound(req: Request, _res: Response, next: NextFunction): void {
  next(new NotFoundError(`no API route ${req.method} ${req.baseUrl}${req.path}`));
}

/** A known path asked with a method it does not serve. */
export function methodNotAllowed(allowed: readonly string[]) {
  return (req: Request, res: Response, next: NextFunction): void => {
    res.setHeader('Allow', allowed.join(', '));
    next(new MethodNotAllowedError(req.method, `${req.baseUrl}${req.path}`, allowed));
  };
}
