/**
 * The node:http request listener: parse the target, answer CORS preflights,
 * verify SigV4, dispatch, and turn every failure into an S3 error response.
 * It never throws and never leaves a rejected promise behind.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate } from './authenticate.js';
import type { StoreCredentials } from './authenticate.js';
import { answerPreflight, applyCorsHeaders, refuseForeignPost } from './cors-handling.js';
import type { StoreContext } from './operation.js';
import { prepareBody } from './request-body.js';
import { parseRequestTarget } from './request-target.js';
import type { RequestTarget } from './request-target.js';
import { sendError } from './respond.js';
import { routeRequest } from './router.js';
import { S3Error, s3Errors } from './s3-error.js';

export interface HandlerConfig extends StoreContext {
  credentials: StoreCredentials;
  /** A request body that sends nothing for this long is refused with RequestTimeout; 0 never. */
  bodyIdleTimeoutMs: number;
  /** Called with unexpected (non-S3) errors, which are answered as 500 InternalError. */
  onInternalError: (error: unknown) => void;
}

const MAX_KEY_BYTES = 1024;

async function handle(req: IncomingMessage, res: ServerResponse, config: HandlerConfig, target: RequestTarget): Promise<void> {
  const method = req.method ?? 'GET';
  if (method === 'OPTIONS') {
    answerPreflight(req, res, config.store, target.bucket);
    return;
  }
  applyCorsHeaders(req, res, config.store, target.bucket);
  refuseForeignPost(req, config.store, target.bucket);
  const auth = authenticate({ method, target, rawHeaders: req.rawHeaders, headers: req.headers }, config.credentials, config.now().getTime());
  if (Buffer.byteLength(target.key) > MAX_KEY_BYTES) throw s3Errors.keyTooLong(Buffer.byteLength(target.key));
  const operation = routeRequest(method, target);
  await operation({ req, res, target, payload: auth.payload, signedHeaders: auth.signedHeaders }, config);
}

const DISCONNECT_CODES = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'EPIPE', 'ECONNABORTED']);

function isClientDisconnect(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && DISCONNECT_CODES.has(code);
}

export function createRequestHandler(config: HandlerConfig): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const requestId = randomBytes(8).toString('hex').toUpperCase();
    res.setHeader('x-amz-request-id', requestId);
    res.setHeader('Server', 'LocalS3');
    // Objects are served with the type their uploader declared: a browser must not second-guess it into HTML.
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // Errors on the request stream are surfaced through pipeline(); this keeps stray ones from crashing the process.
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    prepareBody(req, res, config.bodyIdleTimeoutMs);
    let resource = req.url ?? '/';
    const run = async (): Promise<void> => {
      const target = parseRequestTarget(req.url ?? '/');
      resource = target.rawPath;
      await handle(req, res, config, target);
    };
    run().catch((error: unknown) => {
      // The client is gone (the connection was cut mid-body, or it stopped reading): nobody to answer, nothing broken.
      if (req.socket.destroyed || req.socket.writableEnded || isClientDisconnect(error)) {
        res.destroy();
        return;
      }
      let s3Error: S3Error;
      if (error instanceof S3Error) {
        s3Error = error;
      } else {
        config.onInternalError(error);
        s3Error = s3Errors.internal(error);
      }
      try {
        sendError(req, res, s3Error, resource, requestId);
      } catch (sendFailure) {
        config.onInternalError(sendFailure);
        res.destroy();
      }
    });
  };
}
