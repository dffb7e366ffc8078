/**
 * Aborts that could not reach the server or the store yet. Each is kept
 * (persisted through a small storage seam, so a reload does not lose it) and
 * retried with backoff until the abort succeeds, is refused for good (a 4xx:
 * the token is no longer valid), or the upload token expires (then only the
 * janitor or a lifecycle rule can abort it). Offline, retries wait for the network.
 */
import { backoffDelay, isRetryableApiCallError } from './retry.js';
import type { Clock, NetworkStatus, UploadApi, UploadSession } from './types.js';

/** Where pending aborts survive a reload: the browser wires localStorage. */
export interface PendingAbortStorage {
  load(): UploadSession[];
  save(sessions: readonly UploadSession[]): void;
}

export function memoryAbortStorage(): PendingAbortStorage {
  let kept: UploadSession[] = [];
  return { load: () => [...kept], save: (sessions) => void (kept = [...sessions]) };
}

/** The localStorage key the kept aborts live under (an array of sessions, as JSON). */
export const PENDING_ABORTS_STORAGE_KEY = 's3-big-upload:pending-aborts';

/** localStorage, read and written whole (a handful of entries at most); unreadable content counts as empty. */
export function localAbortStorage(storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>, isSession: (value: unknown) => value is UploadSession): PendingAbortStorage {
  return {
    load() {
      try {
        const value: unknown = JSON.parse(storage.getItem(PENDING_ABORTS_STORAGE_KEY) ?? '[]');
        return Array.isArray(value) ? value.filter(isSession) : [];
      } catch {
        return [];
      }
    },
    save(sessions) {
      try {
        if (sessions.length === 0) storage.removeItem(PENDING_ABORTS_STORAGE_KEY);
        else storage.setItem(PENDING_ABORTS_STORAGE_KEY, JSON.stringify(sessions));
      } catch {
        // Storage full or blocked: the abort is still retried while the page lives.
      }
    },
  };
}

export interface PendingAbortsOptions {
  api: Pick<UploadApi, 'abort'>;
  clock: Clock;
  network: NetworkStatus;
  storage: PendingAbortStorage;
  random: () => number;
  /** Waits between attempts; the last one repeats until the token expires. */
  delays: readonly number[];
}

export class PendingAborts {
  readonly #options: PendingAbortsOptions;
  readonly #delays: readonly number[];
  readonly #running = new Map<string, Promise<void>>();

  constructor(options: PendingAbortsOptions) {
    this.#options = options;
    this.#delays = options.delays.length > 0 ? options.delays : [1000];
  }

  /** Retries the aborts an earlier page left. */
  resume(): void {
    for (const session of this.#options.storage.load()) void this.abort(session);
  }

  /** Upload ids still waiting to be aborted. */
  get pending(): string[] {
    return [...this.#running.keys()];
  }

  /** Resolves once aborted (or refused for good, or the token expired); until then the session is kept in storage. */
  abort(session: UploadSession): Promise<void> {
    const running = this.#running.get(session.uploadId);
    if (running) return running;
    this.#keep(session);
    const run = this.#drive(session).finally(() => {
      this.#running.delete(session.uploadId);
      this.#forget(session);
    });
    this.#running.set(session.uploadId, run);
    return run;
  }

  async #drive(session: UploadSession): Promise<void> {
    const { api, clock, network, random } = this.#options;
    for (let retry = 0; ; retry += 1) {
      if (clock.now() >= session.expiresAt) throw new Error(`upload ${session.uploadId}: its token expired before the abort got through`);
      await network.waitOnline();
      try {
        await api.abort(session);
        return;
      } catch (error) {
        if (!isRetryableApiCallError(error)) throw error;
      }
      const delay = backoffDelay(this.#delays, Math.min(retry, this.#delays.length - 1), random) ?? 1000;
      await clock.sleep(delay);
    }
  }

  #keep(session: UploadSession): void {
    const { storage } = this.#options;
    const kept = storage.load().filter((s) => s.uploadId !== session.uploadId);
    storage.save([...kept, session]);
  }

  #forget(session: UploadSession): void {
    const { storage } = this.#options;
    storage.save(storage.load().filter((s) => s.uploadId !== session.uploadId));
  }
}
