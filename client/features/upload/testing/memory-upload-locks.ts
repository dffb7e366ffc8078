import type { UploadLocks } from '../upload-locks.js';

/** Locks shared by the fake "tabs" of one browser; each tab is a MemoryUploadLocks over the same registry. */
export class LockRegistry {
  readonly held = new Set<string>();
  readonly #waiters = new Map<string, (() => void)[]>();

  release(uploadId: string): void {
    this.held.delete(uploadId);
    const waiters = this.#waiters.get(uploadId) ?? [];
    this.#waiters.delete(uploadId);
    for (const wake of waiters) wake();
  }

  waitFree(uploadId: string, signal: AbortSignal): Promise<void> {
    if (!this.held.has(uploadId)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiters = this.#waiters.get(uploadId) ?? [];
      waiters.push(resolve);
      this.#waiters.set(uploadId, waiters);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  }
}

export class MemoryUploadLocks implements UploadLocks {
  readonly #registry: LockRegistry;

  constructor(registry = new LockRegistry()) {
    this.#registry = registry;
  }

  async tryHold(uploadId: string): Promise<(() => void) | null> {
    if (this.#registry.held.has(uploadId)) return null;
    this.#registry.held.add(uploadId);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#registry.release(uploadId);
    };
  }

  async heldOf(uploadIds: readonly string[]): Promise<Set<string>> {
    return new Set(uploadIds.filter((id) => this.#registry.held.has(id)));
  }

  whenFree(uploadId: string, signal: AbortSignal): Promise<void> {
    return this.#registry.waitFree(uploadId, signal);
  }
}
