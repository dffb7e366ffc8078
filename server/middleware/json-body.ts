/**
 * Reads a JSON request body with hard bounds, answering at once instead of
 * draining what an abusive client sends (body-parser reads a refused body to
 * its end before answering, so a declared 100 GB kept the API reading):
 * a declared Content-Length over the limit is a 413 before any byte is read,
 * a chunked body is cut off at the limit, and a body that stops arriving for
 * `idleTimeoutMs` is a 408. A refused request's connection is closed after
 * the answer, so the unread rest of its body is never read.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { InvalidRequestError, PayloadTooLargeError, RequestTimeoutError, UnsupportedMediaTypeError } from '../errors.js';

export interface JsonBodyOptions {
  /** Largest body in bytes. */
  limit: number;
  /** Longest wait for the next bytes of a body. Default 10 s. */
  idleTimeoutMs?: number;
}

/** Closes the connection once the error answer is written: what the client still sends is never read. */
export function closeAfterResponse(res: Response): void {
  res.setHeader('Connection', 'close');
  res.once('finish', () => res.req.socket.destroySoon());
}

/** The declared Content-Length, or undefined for none (chunked) or one Node's parser would have refused. */
export function declaredLength(req: Request): number | undefined {
  const text = req.headers['content-length'];
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

/** Any request declaring more than `limit` bytes gets a 413 before its body is read. */
export function refuseDeclaredOversize(limit: number): RequestHandler {
  return (req, res, next) => {
    const declared = declaredLength(req);
    if (declared === undefined || declared <= limit) return next();
    closeAfterResponse(res);
    next(new PayloadTooLargeError(limit, { declared }));
  };
}

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || (declaredLength(req) ?? 0) > 0;
}

/** The charset parameter of Content-Type, lower-case, or undefined. */
function charsetOf(contentType: string): string | undefined {
  return /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType)?.[1]?.toLowerCase();
}

function readBody(req: Request, limit: number, idleTimeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', onError).off('aborted', onAborted);
      if (error) {
        req.pause();
        reject(error);
      } else {
        resolve(Buffer.concat(chunks, size));
      }
    };
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => finish(new RequestTimeoutError(idleTimeoutMs)), idleTimeoutMs);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) return finish(new PayloadTooLargeError(limit));
      chunks.push(chunk);
      arm();
    };
    const onEnd = (): void => finish();
    const onError = (cause: Error): void => finish(new InvalidRequestError('request body could not be read', { cause }));
    const onAborted = (): void => finish(new InvalidRequestError('request body could not be read: the client went away'));
    req.on('data', onData).on('end', onEnd).on('error', onError).on('aborted', onAborted);
    arm();
  });
}

/** Parses `application/json` bodies (UTF-8, uncompressed, an object or array) into req.body; other requests pass untouched. */
export function jsonBody({ limit, idleTimeoutMs = 10_000 }: JsonBodyOptions): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!hasBody(req) || !req.is('application/json')) return next();
    const refuse = (error: Error): void => {
      closeAfterResponse(res);
      next(error);
    };
    const charset = charsetOf(req.headers['content-type'] ?? '');
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      return refuse(new UnsupportedMediaTypeError(`request body must be UTF-8 JSON, got charset ${charset.slice(0, 40)}`));
    }
    const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (encoding !== 'identity') return refuse(new UnsupportedMediaTypeError('request body must not be compressed (Content-Encoding)'));
    const declared = declaredLength(req);
    if (declared !== undefined && declared > limit) return refuse(new PayloadTooLargeError(limit, { declared }));
    readBody(req, limit, idleTimeoutMs).then(
      (bytes) => {
        const text = bytes.toString('utf8');
        // Like body-parser's strict mode: only an object or an array is a request.
        if (!/^[\s]*[[{]/.test(text)) return next(new InvalidRequestError('request body is not valid JSON (an object is expected)'));
        try {
          req.body = JSON.parse(text) as unknown;
        } catch (cause) {
          return next(new InvalidRequestError('request body is not valid JSON', { cause }));
        }
        next();
      },
      (error: Error) => refuse(error),
    );
  };
}
