/**
 * The request body as a stream that pipeline() may destroy on error without
 * destroying the socket, so a mid-body failure (bad chunk signature, too many
 * bytes) can still be answered with an S3 error. A client that goes away
 * still fails the stream, so partial bodies are never committed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import type { Readable } from 'node:stream';

export class ClientAbortedError extends Error {
  override name = 'ClientAbortedError';
}

/** Responses owed a `100 Continue` once the body is actually wanted (after auth and upload checks). */
const pendingContinue = new WeakMap<IncomingMessage, ServerResponse>();

/** For `Expect: 100-continue` requests: the interim 100 is sent only when an operation starts reading the body. */
export function deferContinue(req: IncomingMessage, res: ServerResponse): void {
  if (/100-continue/i.test(req.headers.expect ?? '')) pendingContinue.set(req, res);
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
  req.pipe(body);
  return body;
}
