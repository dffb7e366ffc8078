/**
 * What operators and load balancers call: /health (the bucket check, cached,
 * so a flood of calls is not a flood of HeadBuckets) and /metrics (off unless
 * METRICS_TOKEN is set, then only with that bearer token).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { InvalidTokenError, NotFoundError } from '../errors.js';
import { createHealthCheck } from '../health-check.js';
import type { Metrics } from '../metrics.js';
import { methodNotAllowed } from '../middleware/error-handler.js';
import type { UploadStore } from '../s3/upload-store.js';

/** How long /health reuses its last bucket check. */
export const HEALTH_CACHE_MS = 5000;

export interface OpsRouterDeps {
  store: UploadStore;
  metrics: Metrics;
  clock: Clock;
  logger: Logger;
  /** Undefined: /metrics answers 404. */
  metricsToken: string | undefined;
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** Constant-time comparison of the presented bearer token with the configured one. */
function hasMetricsToken(req: Request, token: string): boolean {
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  return presented !== undefined && timingSafeEqual(digest(presented), digest(token));
}

export function createOpsRouter({ store, metrics, clock, logger, metricsToken }: OpsRouterDeps): Router {
  const router = Router();
  const health = createHealthCheck({
    check: () => store.checkBucket(),
    clock,
    ttlMs: HEALTH_CACHE_MS,
    onFailure: (error) => logger.warn({ err: error }, 'health check: bucket unreachable'),
  });

  router
    .route('/health')
    .get(async (_req: Request, res: Response) => {
      res.set('Cache-Control', 'no-store');
      if (await health.healthy()) res.json({ status: 'ok' });
      else res.status(503).json({ status: 'unavailable' });
    })
    .all(methodNotAllowed(['GET']));

  router
    .route('/metrics')
    .get(async (req: Request, res: Response) => {
      if (metricsToken === undefined) throw new NotFoundError('metrics are off; set METRICS_TOKEN to serve them');
      if (!hasMetricsToken(req, metricsToken)) {
        res.set('WWW-Authenticate', 'Bearer realm="metrics"');
        throw new InvalidTokenError('/metrics needs Authorization: Bearer <METRICS_TOKEN>');
      }
      res.set('Cache-Control', 'no-store');
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    })
    .all(methodNotAllowed(['GET']));
  return router;
}
