/**
 * Node's 'clientError': the HTTP parser failed (garbage, or the client half-closed
 * before sending Content-Length bytes). Answer with an S3 XML error when the socket
 * can still be written, as S3 does, instead of a bare 400.
 */
import { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { S3Error, s3Errors } from './s3-error.js';
import { errorDocument } from './xml.js';

export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  // Bytes beyond Content-Length parse as a broken next request while the current one is
  // still being answered: let that response finish, then close, so the extra bytes are ignored.
  const inFlight: unknown = Reflect.get(socket, '_httpMessage');
  if (inFlight instanceof ServerResponse && inFlight.req.complete && !inFlight.writableFinished) {
    inFlight.shouldKeepAlive = false;
    inFlight.once('finish', () => socket.end());
    return;
  }
  const s3Error =
    error.code === 'HPE_INVALID_EOF_STATE'
      ? s3Errors.incompleteBody()
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? new S3Error(400, 'RequestHeaderSectionTooLarge', 'Your request header section exceeds the maximum allowed size.')
        : new S3Error(400, 'BadRequest', 'An error occurred when parsing the HTTP request.');
  const body = Buffer.from(errorDocument(s3Error, '', ''));
  socket.end(
    `HTTP/1.1 ${s3Error.status} Bad Request\r\nContent-Type: application/xml\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.toString()}`,
  );
}
