/**
 * HTTP/1.1 over a bare socket, for requests fetch() will not send: conflicting
 * Content-Length and Transfer-Encoding, bodies shorter than declared, bytes
 * trickling in, several requests in one write. Parses the responses that come
 * back (Content-Length or chunked bodies) and says whether the server closed.
 */
import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: string;
}

export interface RawExchange {
  responses: RawResponse[];
  /** The server closed the connection (or reset it) before the exchange ended. */
  closed: boolean;
  /** Milliseconds from connect to the first complete response (or to the end). */
  firstResponseMs: number;
}

export interface RawOptions {
  /** Written after the request, each after `gapMs` (a slow body). */
  trickle?: (string | Buffer)[];
  gapMs?: number;
  /** Resolve once this many responses have arrived. Default 1. */
  responses?: number;
  /** Give up (and resolve with what arrived) after this long. Default 5000. */
  timeoutMs?: number;
  /** Half-close the socket after writing everything (the client says it is done sending). */
  endAfterWrite?: boolean;
  /** After the responses arrive, wait (up to the timeout) for the server to close the connection. */
  awaitClose?: boolean;
}

/** Pulls complete responses off the front of `buffer`; returns them and the unparsed rest. */
export function parseResponses(buffer: Buffer): { responses: RawResponse[]; rest: Buffer } {
  const responses: RawResponse[] = [];
  let rest = buffer;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end === -1) break;
    const [statusLine = '', ...lines] = rest.subarray(0, end).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? NaN);
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    let bodyStart = end + 4;
    let body: Buffer;
    if (status === 100) {
      rest = rest.subarray(bodyStart);
      continue;
    }
    if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
      const chunks: Buffer[] = [];
      let offset = bodyStart;
      let done = false;
      for (;;) {
        const lineEnd = rest.indexOf('\r\n', offset);
        if (lineEnd === -1) break;
        const size = parseInt(rest.subarray(offset, lineEnd).toString('latin1'), 16);
        if (Number.isNaN(size)) break;
        if (size === 0) {
          const trailerEnd = rest.indexOf('\r\n\r\n', lineEnd);
          if (trailerEnd === -1) break;
          offset = trailerEnd + 4;
          done = true;
          break;
        }
        if (rest.length < lineEnd + 2 + size + 2) break;
        chunks.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
        offset = lineEnd + 2 + size + 2;
      }
      if (!done) break;
      body = Buffer.concat(chunks);
      bodyStart = offset;
    } else {
      const length = Number(headers['content-length'] ?? 0);
      if (rest.length < bodyStart + length) break;
      body = rest.subarray(bodyStart, bodyStart + length);
      bodyStart += length;
    }
    responses.push({ status, headers, body: body.toString('utf8') });
    rest = rest.subarray(bodyStart);
  }
  return { responses, rest };
}

/** Sends `request` (head and any body, exactly as given) to `origin` and collects what comes back. */
export function rawExchange(origin: string, request: string | Buffer, options: RawOptions = {}): Promise<RawExchange> {
  const url = new URL(origin);
  const wanted = options.responses ?? 1;
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    let received: Buffer = Buffer.alloc(0);
    let responses: RawResponse[] = [];
    let firstResponseMs = -1;
    let closed = false;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const settle = (): void => {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      socket.destroy();
      resolve({ responses, closed, firstResponseMs: firstResponseMs === -1 ? Date.now() - started : firstResponseMs });
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const parsed = parseResponses(received);
      received = parsed.rest;
      responses = [...responses, ...parsed.responses];
      if (responses.length > 0 && firstResponseMs === -1) firstResponseMs = Date.now() - started;
      if (responses.length >= wanted && !options.awaitClose) settle();
    });
    socket.on('error', () => {
      closed = true;
      settle();
    });
    socket.on('end', () => {
      closed = true;
      settle();
    });
    socket.on('close', () => {
      closed = true;
      settle();
    });
    timers.push(setTimeout(settle, options.timeoutMs ?? 5000));
    socket.on('connect', () => {
      socket.write(request);
      const trickle = options.trickle ?? [];
      trickle.forEach((piece, i) => {
        timers.push(
          setTimeout(() => {
            if (!socket.destroyed) socket.write(piece);
            if (i === trickle.length - 1 && options.endAfterWrite) socket.end();
          }, (options.gapMs ?? 0) * (i + 1)),
        );
      });
      if (trickle.length === 0 && options.endAfterWrite) socket.end();
    });
  });
}
