/**
 * Prometheus metrics. Each app gets its own registry, so several apps in one
 * process (tests) never collide on metric names.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  readonly uploadsCreated: Counter;
  readonly uploadsCompleted: Counter;
  readonly uploadsAborted: Counter;
  readonly uploadsFailed: Counter;
  readonly partsSigned: Counter;
  readonly checksumMismatches: Counter;
  readonly janitorAborts: Counter;
  readonly requestDuration: Histogram<'method' | 'route' | 'status'>;
}

export function createMetrics(options: { collectDefaults?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.collectDefaults) collectDefaultMetrics({ register: registry });
  const counter = (name: string, help: string) => new Counter({ name, help, registers: [registry] });
  return {
    registry,
    uploadsCreated: counter('uploads_created_total', 'Multipart uploads created'),
    uploadsCompleted: counter('uploads_completed_total', 'Multipart uploads completed'),
    uploadsAborted: counter('uploads_aborted_total', 'Multipart uploads aborted by a client'),
    uploadsFailed: counter('uploads_failed_total', 'Complete calls that failed (missing parts, size mismatch, gone, store errors)'),
    partsSigned: counter('parts_signed_total', 'Presigned part URLs issued'),
    checksumMismatches: counter('checksum_mismatches_total', 'Completed objects whose ETag differed from the client\'s and were deleted'),
    janitorAborts: counter('janitor_aborts_total', 'Stale multipart uploads aborted by the janitor'),
    requestDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}
