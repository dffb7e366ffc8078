/**
 * The bucket check behind /health, asked of the store at most once per
 * `ttlMs` however often /health is called: concurrent callers share one
 * HeadBucket, and later ones get the cached answer until it is stale.
 */
import type { Clock } from './clock.js';

export interface HealthCheck {
  /** True when the bucket answered within the last ttlMs (or now). */
  healthy(): Promise<boolean>;
}

export function createHealthCheck(options: { check: () => Promise<void>; clock: Clock; ttlMs: number; onFailure?: (error: unknown) => void }): HealthCheck {
  let cached: { healthy: boolean; at: number } | undefined;
  let inFlight: Promise<boolean> | undefined;
  return {
    healthy() {
      const now = options.clock.now();
      if (cached !== undefined && now - cached.at < options.ttlMs) return Promise.resolve(cached.healthy);
      inFlight ??= options
        .check()
        .then(
          () => true,
          (error: unknown) => {
            options.onFailure?.(error);
            return false;
          },
        )
        .then((healthy) => {
          cached = { healthy, at: options.clock.now() };
          inFlight = undefined;
          return healthy;
        });
      return inFlight;
    },
  };
}
