/**
 * Stops what a case started (servers, browsers), last started first, even when
 * the case throws or the runner is interrupted.
 */
type Stop = () => Promise<void> | void;

const open = new Set<CleanupScope>();

export class CleanupScope {
  #stops: Stop[] = [];

  constructor() {
    open.add(this);
  }

  /** Registers `stop` and hands back `resource`, so `const app = scope.add(await start(), (a) => a.stop())`. */
  add<T>(resource: T, stop: (resource: T) => Promise<void> | void): T {
    this.#stops.push(() => stop(resource));
    return resource;
  }

  async close(): Promise<void> {
    open.delete(this);
    const errors: unknown[] = [];
    for (const stop of this.#stops.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, 'cleanup failed');
  }
}

/** Runs `body` with a scope that is always closed afterwards. */
export async function withCleanup<T>(body: (scope: CleanupScope) => Promise<T>): Promise<T> {
  const scope = new CleanupScope();
  try {
    return await body(scope);
  } finally {
    await scope.close();
  }
}

/** Closes every scope still open (the runner calls this on SIGINT/SIGTERM). */
export async function closeAllScopes(): Promise<void> {
  await Promise.allSettled([...open].map((scope) => scope.close()));
}
