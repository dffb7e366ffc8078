/** Validation at the edge, with the schemas from shared/. */
import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';
import { InvalidRequestError, UnsupportedMediaTypeError } from '../errors.js';

/** A 400 stays small whatever was sent: a few issues, each cut short (a body of 10,000 unknown keys must not echo them back). */
export const MAX_ISSUES = 10;
export const MAX_ISSUE_TEXT = 200;

function cut(text: string, max = MAX_ISSUE_TEXT): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what = 'request body'): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const all = parsed.error.issues;
  const issues = all.slice(0, MAX_ISSUES).map((issue) => ({ path: cut(issue.path.map(String).join('.')), message: cut(issue.message) }));
  const more = all.length > issues.length ? `; and ${all.length - issues.length} more issue(s)` : '';
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ') + more;
  throw new InvalidRequestError(`invalid ${what}: ${summary}`, { issues });
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
