/**
 * Builds the Express app without listening: the API under /api, /health,
 * /metrics and, when given a directory, the built client with SPA fallback.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express from 'express';
import type { Express, NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { API_PREFIX, API_ROUTES } from '../shared/api.js';
import type { ClientConfig } from '../shared/api.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import { NotFoundError } from './errors.js';
import type { Metrics } from './metrics.js';
import { authenticate } from './middleware/auth.js';
import type { TrustProxyFn } from './middleware/auth.js';
import { jsonBody, refuseDeclaredOversize } from './middleware/json-body.js';
import { requestLog } from './middleware/request-log.js';
import { apiNotFound, createErrorHandler, methodNotAllowed } from './middleware/error-handler.js';
import { createOpsRouter } from './routes/ops.js';
import { perClientRateLimit, perUploadRateLimit } from './middleware/rate-limits.js';
import type { RateLimitStoreFactory } from './middleware/rate-limits.js';
import { createUploadsRouter } from './routes/uploads.js';
import type { UploadsConfig } from './routes/uploads.js';
import type { UploadStore } from './s3/upload-store.js';

/** 10,000 parts with quoted ETags is ~600 KiB of JSON. */
export const JSON_BODY_LIMIT = 1024 * 1024;

export type AppConfig = UploadsConfig &
  Pick<Config, 'publicOrigin' | 'concurrency' | 'partIdleTimeoutMs' | 'rateLimitPerMinute' | 'rateLimitPerUpload' | 'trustProxy' | 'metricsToken' | 'auth'>;

export interface AppDeps {
  config: AppConfig;
  store: UploadStore;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  /** Origin the browser PUTs parts to, allowed in the CSP's connect-src. */
  storageOrigin: string;
  /** Built client (dist/client); omitted in tests. */
  staticDir?: string;
  /** How long a JSON body may stall before a 408; default 10 s (tests shorten it). */
  bodyIdleTimeoutMs?: number;
  /** Shared counting store for the rate limits (Redis, with several replicas); default: this process's memory. */
  rateLimitStore?: RateLimitStoreFactory;
}

function securityHeaders(publicOrigin: string, storageOrigin: string) {
  const secure = publicOrigin.startsWith('https:');
  return helmet({
    contentSecurityPolicy: {
      directives: {
        'connect-src': ["'self'", storageOrigin],
        // The MD5 worker compiles hash-wasm's WebAssembly; this allows that and no eval of JavaScript.
        'script-src': ["'self'", "'wasm-unsafe-eval'"],
        // Over plain http (local development) upgrading would break PUTs to an http store.
        'upgrade-insecure-requests': secure ? [] : null,
      },
    },
    strictTransportSecurity: secure,
  });
}

function requestTimer(metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction) => {
    const stop = metrics.requestDuration.startTimer();
    res.on('finish', () => {
      const route = req.route as { path?: unknown } | undefined;
      const path = typeof route?.path === 'string' ? `${req.baseUrl}${route.path}` : 'unmatched';
      stop({ method: req.method, route: path, status: String(res.statusCode) });
    });
    next();
  };
}

export function createApp(deps: AppDeps): Express {
  const { config, store, logger, metrics } = deps;
  const app = express();
  app.disable('x-powered-by');
  // Behind a load balancer the client's address is in X-Forwarded-For; rate limits and logs need it.
  app.set('trust proxy', config.trustProxy);

  // One compact line per request; the upload token is a credential and never logged.
  app.use(requestLog(logger));
  app.use(requestTimer(metrics));
  // Nothing this app serves takes a body over the JSON limit: refuse a larger declared one before reading it.
  app.use(refuseDeclaredOversize(JSON_BODY_LIMIT));
  app.use(securityHeaders(config.publicOrigin, deps.storageOrigin));

  // Everything outside the API (health, metrics, the built client) has its own budget of the same size, per IP, in this process.
  app.use(/^(?!\/api(\/|$))/, perClientRateLimit(config.rateLimitPerMinute));
  app.use(createOpsRouter({ store, metrics, clock: deps.clock, logger, metricsToken: config.metricsToken }));

  // Mounted at the root so routes are spelled with API_ROUTES from shared/api.ts.
  const api = express.Router();
  const perClientLimit = perClientRateLimit(config.rateLimitPerMinute, deps.rateLimitStore);
  const perUploadLimit = perUploadRateLimit(config.rateLimitPerUpload, deps.rateLimitStore);
  // Responses carry upload tokens and presigned URLs: never cache them.
  api.use(API_PREFIX, (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  // The limits a browser checks files against before it starts; public, like the page itself.
  api
    .route(API_ROUTES.config)
    .get(perClientLimit, (_req, res) => {
      const body: ClientConfig = {
        maxFileSize: config.maxFileSize,
        partSize: config.partSize,
        concurrency: config.concurrency,
        partIdleTimeoutMs: config.partIdleTimeoutMs,
        allowedContentTypes: config.allowedContentTypes,
        checksumMode: config.checksumMode,
      };
      res.json(body);
    })
    .all(methodNotAllowed(['GET']));
  // Who is calling, before any body is read.
  api.use(API_PREFIX, authenticate(config.auth, app.get('trust proxy fn') as TrustProxyFn));
  api.use(API_PREFIX, jsonBody({ limit: JSON_BODY_LIMIT, ...(deps.bodyIdleTimeoutMs !== undefined && { idleTimeoutMs: deps.bodyIdleTimeoutMs }) }));
  api.use(createUploadsRouter({ ...deps, perClientLimit, perUploadLimit }));
  api.use(API_PREFIX, apiNotFound);
  app.use(api);

  if (deps.staticDir !== undefined) {
    const root = resolve(deps.staticDir);
    const index = join(root, 'index.html');
    app.use(express.static(root, { index: 'index.html' }));
    // SPA fallback: any other GET that wants HTML gets the app shell.
    app.use((req, res, next) => {
      if ((req.method !== 'GET' && req.method !== 'HEAD') || !req.accepts('html') || !existsSync(index)) return next();
      res.sendFile(index);
    });
  }

  // Anything else (no built client, or a request that does not want the page) is a JSON 404 too.
  app.use((req, _res, next) => next(new NotFoundError(`no route ${req.method} ${req.path.slice(0, 200)}`)));
  app.use(createErrorHandler(logger));
  return app;
}
