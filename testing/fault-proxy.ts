/**
 * A fault-injecting HTTP proxy on loopback, started by tests. It sits between
 * the browser and the store (point the app's S3_ENDPOINT at it, so presigned
 * URLs name the proxy) or between the browser and the API (load the page from
 * it), and breaks requests by script: a 500 or 503 SlowDown answer, a reset
 * mid-body, a request held with no answer, an answer without its ETag, one
 * byte of the request body flipped (length kept), or the whole proxy down
 * (connections refused) for a while.
 *
 * The Host header is forwarded unchanged: SigV4 signs the Host the URL names,
 * which is the proxy's, so the store must see that Host to accept the signature.
 * (Both the embedded store and Ceph RGW check the signature against the Host
 * header they receive, whatever port they listen on.)
 */
import { Agent, createServer, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';

/** What the proxy does to one request. */
export type Fault =
  /** Reads the body, stores nothing, answers with an S3 error document (CORS headers included, as S3 sends them). */
  | { kind: 'status'; status: number; code: string; message: string }
  /** Reads `afterBytes` of the body (default: half the declared length), then resets the connection (TCP RST). */
  | { kind: 'reset'; afterBytes?: number }
  /** Holds the request with no answer until the client gives up or the proxy closes; reads the body unless `readBody` is false. */
  | { kind: 'stall'; readBody?: boolean }
  /** Forwards the request and removes the ETag header from the answer. */
  | { kind: 'drop-etag' }
  /** Forwards the body with the byte at `offset` (default: the middle) XOR 0xff; the length is unchanged. */
  | { kind: 'flip-byte'; offset?: number }
  /** Resets this request and refuses every connection for `ms`, then comes back up. */
  | { kind: 'outage'; ms: number };

export const internalError: Fault = { kind: 'status', status: 500, code: 'InternalError', message: 'We encountered an internal error. Please try again.' };
export const slowDown: Fault = { kind: 'status', status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' };
export const resetMidBody: Fault = { kind: 'reset' };
export const stall: Fault = { kind: 'stall' };
export const dropEtag: Fault = { kind: 'drop-etag' };
export const flipByte: Fault = { kind: 'flip-byte' };

/** One request as the proxy saw it. */
export interface SeenRequest {
  method: string;
  /** Path without the query. */
  path: string;
  query: URLSearchParams;
  /** The `partNumber` query parameter (an UploadPart), else null. */
  partNumber: number | null;
  uploadId: string | null;
  /** 1 for the first request with this method, path, upload id and part number; 2 for its first retry, ... */
  attempt: number;
  /** Declared Content-Length, or null. */
  contentLength: number | null;
  /** The fault applied, or null when it was forwarded untouched. */
  fault: Fault['kind'] | null;
}

export interface RequestMatch {
  method?: string;
  /** The path without the query: equal to a string, or tested by a RegExp. */
  path?: string | RegExp;
  /** Only UploadParts: this part number, or any for which the function is true. */
  partNumber?: number | ((partNumber: number) => boolean);
  /** Only these attempts (1-based), e.g. [1] for first attempts only. */
  attempt?: number | readonly number[];
}

export interface FaultRule {
  match?: RequestMatch;
  /** The fault, or a choice of one per request from the proxy's seeded random (undefined: forward untouched). */
  fault: Fault | ((request: SeenRequest, random: () => number) => Fault | undefined);
  /** Share of matching requests hit, drawn from the seeded random; default 1. */
  rate?: number;
  /** The rule retires after this many hits; default unlimited. */
  times?: number;
}

export interface RuleHandle {
  /** Requests this rule has hit so far. */
  readonly hits: number;
  remove(): void;
}

export interface FaultProxyOptions {
  /** Where requests go, e.g. http://127.0.0.1:9000; may be set later with setUpstream. */
  upstream?: string;
  /** Seed for rate and random fault choice; default 1, so a run can be replayed. */
  seed?: number;
}

export interface FaultProxy {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  /** Every request seen, in arrival order. */
  readonly log: readonly SeenRequest[];
  setUpstream(url: string): void;
  /** Rules are tried in the order added; the first that hits decides. */
  addRule(rule: FaultRule): RuleHandle;
  clearRules(): void;
  /** Resolves with the next request that matches (or one already logged, when `includePast`). */
  waitForRequest(match: RequestMatch, options?: { includePast?: boolean; timeoutMs?: number }): Promise<SeenRequest>;
  /** Stops listening (new connections are refused) and drops every open connection. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  /** True while up. */
  readonly isUp: boolean;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade']);
/** Not passed on upstream: the proxy has already answered 100 Continue itself. */
const NOT_FORWARDED = new Set([...HOP_BY_HOP, 'expect']);

export async function startFaultProxy(options: FaultProxyOptions = {}): Promise<FaultProxy> {
  let upstream = options.upstream === undefined ? undefined : new URL(options.upstream);
  const random = seededRandom(options.seed ?? 1);
  const rules: { rule: FaultRule; hits: number; removed: boolean }[] = [];
  const log: SeenRequest[] = [];
  const attempts = new Map<string, number>();
  const waiters: { match: RequestMatch; resolve: (request: SeenRequest) => void }[] = [];
  const sockets = new Set<Socket>();
  const agent = new Agent({ keepAlive: true });
  let isUp = true;
  let closed = false;
  let outageTimer: NodeJS.Timeout | undefined;

  const server: Server = createServer((req, res) => {
    const seen = describe(req, attempts);
    const fault = pickFault(seen);
    seen.fault = fault?.kind ?? null;
    log.push(seen);
    for (const waiter of waiters.splice(0)) {
      if (matches(waiter.match, seen)) waiter.resolve(seen);
      else waiters.push(waiter);
    }
    apply(fault, req, res, seen);
  });
  // A part can take minutes on a slow link; Node's default 300 s request timeout must not cut it.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  await listen(server, 0);
  const port = (server.address() as AddressInfo).port;

  function pickFault(seen: SeenRequest): Fault | undefined {
    for (const entry of rules) {
      const { rule } = entry;
      if (entry.removed || (rule.times !== undefined && entry.hits >= rule.times)) continue;
      if (!matches(rule.match ?? {}, seen)) continue;
      if (rule.rate !== undefined && random() >= rule.rate) continue;
      const fault = typeof rule.fault === 'function' ? rule.fault(seen, random) : rule.fault;
      if (fault === undefined) continue;
      entry.hits += 1;
      return fault;
    }
    return undefined;
  }

  function apply(fault: Fault | undefined, req: IncomingMessage, res: ServerResponse, seen: SeenRequest): void {
    switch (fault?.kind) {
      case undefined:
        forward(req, res, {});
        return;
      case 'drop-etag':
        forward(req, res, { dropEtag: true });
        return;
      case 'flip-byte':
        forward(req, res, { flipAt: fault.offset ?? Math.floor((seen.contentLength ?? 0) / 2) });
        return;
      case 'status':
        req.resume();
        req.once('end', () => answerError(req, res, fault));
        return;
      case 'reset': {
        const after = fault.afterBytes ?? Math.floor((seen.contentLength ?? 0) / 2);
        let read = 0;
        const cut = () => req.socket.resetAndDestroy();
        if (after <= 0) {
          cut();
          return;
        }
        req.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read >= after) cut();
        });
        req.once('end', cut);
        return;
      }
      case 'stall':
        if (fault.readBody !== false) req.resume();
        return; // never answered; down() and close() drop the connection
      case 'outage':
        req.socket.resetAndDestroy();
        void down().then(() => {
          outageTimer = setTimeout(() => void up(), fault.ms);
        });
        return;
    }
  }

  function forward(req: IncomingMessage, res: ServerResponse, how: { dropEtag?: boolean; flipAt?: number }): void {
    if (upstream === undefined) {
      req.socket.destroy();
      return;
    }
    const outgoing = httpRequest({
      protocol: upstream.protocol,
      hostname: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: forwardedHeaders(req.headers), // Host kept: it is signed
      agent,
    });
    outgoing.on('response', (answer) => {
      const headers: OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (HOP_BY_HOP.has(name) || value === undefined) continue;
        if (how.dropEtag && name === 'etag') continue;
        headers[name] = value;
      }
      res.writeHead(answer.statusCode ?? 502, headers);
      answer.pipe(res);
      answer.on('error', () => res.destroy());
    });
    // Upstream refused or broke: the client sees its connection dropped, as it would without the proxy.
    outgoing.on('error', () => req.socket.destroy());
    res.on('close', () => {
      if (!res.writableFinished) outgoing.destroy();
    });
    if (how.flipAt === undefined) req.pipe(outgoing);
    else req.pipe(byteFlipper(how.flipAt)).pipe(outgoing);
  }

  async function down(): Promise<void> {
    if (!isUp) return;
    isUp = false;
    const closing = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    agent.destroy();
    await closing;
  }

  async function up(): Promise<void> {
    if (isUp || closed) return;
    await listen(server, port);
    isUp = true;
  }

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    log,
    get isUp() {
      return isUp;
    },
    setUpstream(url) {
      upstream = new URL(url);
    },
    addRule(rule) {
      const entry = { rule, hits: 0, removed: false };
      rules.push(entry);
      return {
        get hits() {
          return entry.hits;
        },
        remove: () => void (entry.removed = true),
      };
    },
    clearRules() {
      for (const entry of rules) entry.removed = true;
      rules.length = 0;
    },
    waitForRequest(match, { includePast = false, timeoutMs = 120_000 } = {}) {
      const past = includePast ? log.find((seen) => matches(match, seen)) : undefined;
      if (past !== undefined) return Promise.resolve(past);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no request matching ${JSON.stringify(match)} within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({
          match,
          resolve: (seen) => {
            clearTimeout(timer);
            resolve(seen);
          },
        });
      });
    },
    down,
    up,
    async close() {
      closed = true;
      clearTimeout(outageTimer);
      await down();
    },
  };
}

function describe(req: IncomingMessage, attempts: Map<string, number>): SeenRequest {
  const url = new URL(req.url ?? '/', 'http://proxy');
  const partParam = url.searchParams.get('partNumber');
  const partNumber = partParam === null ? null : Number(partParam);
  const uploadId = url.searchParams.get('uploadId');
  const method = req.method ?? 'GET';
  const identity = `${method} ${url.pathname} ${uploadId ?? ''} ${partNumber ?? ''}`;
  const attempt = (attempts.get(identity) ?? 0) + 1;
  attempts.set(identity, attempt);
  const declared = req.headers['content-length'];
  return {
    method,
    path: url.pathname,
    query: url.searchParams,
    partNumber,
    uploadId,
    attempt,
    contentLength: declared === undefined ? null : Number(declared),
    fault: null,
  };
}

function matches(match: RequestMatch, seen: SeenRequest): boolean {
  if (match.method !== undefined && match.method.toUpperCase() !== seen.method) return false;
  if (typeof match.path === 'string' && match.path !== seen.path) return false;
  if (match.path instanceof RegExp && !match.path.test(seen.path)) return false;
  if (match.partNumber !== undefined) {
    if (seen.partNumber === null) return false;
    if (typeof match.partNumber === 'number' ? match.partNumber !== seen.partNumber : !match.partNumber(seen.partNumber)) return false;
  }
  if (match.attempt !== undefined) {
    const wanted = typeof match.attempt === 'number' ? [match.attempt] : match.attempt;
    if (!wanted.includes(seen.attempt)) return false;
  }
  return true;
}

function forwardedHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !NOT_FORWARDED.has(name)) out[name] = value;
  }
  return out;
}

/** An S3 error document, with the CORS headers S3 puts on errors so the browser can read the status. */
function answerError(req: IncomingMessage, res: ServerResponse, fault: Extract<Fault, { kind: 'status' }>): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${fault.code}</Code><Message>${fault.message}</Message><RequestId>fault-proxy</RequestId></Error>`;
  const headers: OutgoingHttpHeaders = { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) };
  const origin = req.headers.origin;
  if (origin !== undefined) {
    headers['access-control-allow-origin'] = origin;
    headers['access-control-expose-headers'] = 'ETag';
    headers.vary = 'Origin';
  }
  res.writeHead(fault.status, headers);
  res.end(body);
}

/** Passes bytes through, XOR-ing the one at `offset` (if the body is that long). */
function byteFlipper(offset: number): Transform {
  let position = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      if (offset >= position && offset < position + chunk.length) {
        const copy = Buffer.from(chunk);
        copy[offset - position] = (copy[offset - position] ?? 0) ^ 0xff;
        chunk = copy;
      }
      position += chunk.length;
      callback(null, chunk);
    },
  });
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject).listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** mulberry32: a small seeded PRNG in [0, 1), so a fault run can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
