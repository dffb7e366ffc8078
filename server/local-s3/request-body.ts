/**
 * The request body as a stream that pipeline() may destroy on error without
 * destroying the socket, so a mid-body failure (bad chunk signature, too many
 * bytes) can still be answered with an S3 error. A client that goes away
 * still fails the stream, so partial bodies are never committed.
 */
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import type { Readable } from 'node:stream';

export class ClientAbortedError extends Error {
  override name = 'ClientAbortedError';
}

export function requestBody(req: IncomingMessage, highWaterMark = 1024 * 1024): Readable {
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
