/**
 * Node's 'clientError': the HTTP parser refused a request (conflicting
 * Content-Length and Transfer-Encoding, a bad chunk, an oversized header, a
 * header timeout). Answer with the API's JSON error and close, instead of
 * Node's bare 400, so every refusal says what was wrong.
 */
import type { Duplex } from 'node:stream';
import type { ApiErrorBody } from '../shared/api.js';

function answerFor(code: string | undefined): { status: number; reason: string; body: ApiErrorBody } {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return { status: 431, reason: 'Request Header Fields Too Large', body: { error: { code: 'invalid_request', message: 'request headers are too large' } } };
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { status: 408, reason: 'Request Timeout', body: { error: { code: 'request_timeout', message: 'the request did not arrive in time' } } };
  }
  return { status: 400, reason: 'Bad Request', body: { error: { code: 'invalid_request', message: 'malformed HTTP request' } } };
}

export function answerMalformedRequest(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const { status, reason, body } = answerFor(error.code);
  const json = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
  );
}
