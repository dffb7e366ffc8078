/**
 * Keeps an object version's files on disk while a GET streams it. Segments are opened
 * one after another, so an overwrite or delete that lands mid-GET must not unlink files
 * the GET has yet to open: removal of a retired version waits for its last reader.
 * A crash while a removal waits leaves unreferenced files, which the next start removes.
 */
interface Lease {
  readers: number;
  removeFiles?: () => Promise<void>;
}

export class VersionLeases {
  readonly #leases = new Map<object, Lease>();

  /** Call synchronously with reading the version from memory, so no retire slips in between. */
  acquire(version: object): () => Promise<void> {
    const lease = this.#leases.get(version) ?? { readers: 0 };
    lease.readers++;
    this.#leases.set(version, lease);
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      lease.readers--;
      if (lease.readers > 0) return;
      this.#leases.delete(version);
      await lease.removeFiles?.();
    };
  }

  /** Removes the version's files now, or once its last reader releases. */
  async retire(version: object, removeFiles: () => Promise<void>): Promise<void> {
    const lease = this.#leases.get(version);
    if (lease) lease.removeFiles = removeFiles;
    else await removeFiles();
  }

  /** Versions with readers; for tests. */
  get size(): number {
    return this.#leases.size;
  }
}
