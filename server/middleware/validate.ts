/** Validation at the edge, with the schemas from shared/. */
import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';
import { InvalidRequestError, UnsupportedMediaTypeError } from '../errors.js';

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what = 'request body'): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  throw new InvalidRequestError(`invalid ${what}: ${summary}`, { issues, cause: parsed.error });
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** A request that must carry a JSON body: none -> 400, another media type -> 415. */
export function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  if (!hasBody(req)) return next(new InvalidRequestError('request body is required (a JSON object)'));
  if (!req.is('application/json')) {
    return next(new UnsupportedMediaTypeError(`request body must be JSON (Content-Type: application/json), got ${req.headers['content-type'] ?? 'none'}`));
  }
  next();
}
