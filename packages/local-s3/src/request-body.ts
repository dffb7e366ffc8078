/**
 * The request body as a stream that pipeline() may destroy on error without
 * destroying the socket, so a mid-body failure (bad chunk signature, too many
 * bytes) can still be answered with an S3 error. A client that goes away
 * still fails the stream, so partial bodies are never committed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import type { Readable } from 'node:stream';
import { s3Errors } from './s3-error.js';

export class ClientAbortedError extends Error {
  override name = 'ClientAbortedError';
}

/** Responses owed a `100 Continue` once the body is actually wanted (after auth and upload checks). */
const pendingContinue = new WeakMap<IncomingMessage, ServerResponse>();
/** How long each request's body may go without a byte before it is refused. */
const idleTimeouts = new WeakMap<IncomingMessage, number>();

export const DEFAULT_BODY_IDLE_TIMEOUT_MS = 20_000;

/**
 * Called for every request before any operation runs: `Expect: 100-continue`
 * gets its interim 100 only when an operation starts reading the body, and the
 * body may stall at most `idleTimeoutMs`.
 */
export function prepareBody(req: IncomingMessage, res: ServerResponse, idleTimeoutMs: number): void {
  if (/100-continue/i.test(req.headers.expect ?? '')) pendingContinue.set(req, res);
  idleTimeouts.set(req, idleTimeoutMs);
}

export function requestBody(req: IncomingMessage, highWaterMark = 1024 * 1024): Readable {
  const res = pendingContinue.get(req);
  if (res) {
    pendingContinue.delete(req);
    res.writeContinue();
  }
  const body = new PassThrough({ highWaterMark });
  const fail = (cause?: unknown): void => {
    if (!body.destroyed) body.destroy(new ClientAbortedError('client closed the connection before the body ended', { cause }));
  };
  req.on('error', fail);
  req.on('close', () => {
    if (!req.complete) fail();
  });
  body.on('close', () => {
    if (!req.complete) req.unpipe(body);
  });
  watchIdle(req, body, idleTimeouts.get(req) ?? DEFAULT_BODY_IDLE_TIMEOUT_MS);
  req.pipe(body);
  return body;
}

/**
 * A body that stops arriving (a byte every few seconds, or none) fails with S3's
 * RequestTimeout instead of holding a connection and a temp file forever. Time
 * the store itself holds the client back (backpressure from a slow disk) does not count.
 */
function watchIdle(req: IncomingMessage, body: PassThrough, idleTimeoutMs: number): void {
  if (idleTimeoutMs <= 0) return;
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    if (req.complete || body.destroyed) return;
    timer = setTimeout(() => {
      if (req.complete || body.destroyed) return;
      if (body.writableNeedDrain || req.isPaused()) return arm();
      body.destroy(s3Errors.requestTimeout());
    }, idleTimeoutMs);
    timer.unref();
  };
  req.on('data', arm);
  req.once('end', () => clearTimeout(timer));
  body.once('close', () => clearTimeout(timer));
  arm();
}
