/**
 * Keeps the uploads this tab drives resumable from another visit: from the
 * moment an upload exists until it completes, is cancelled or fails, its
 * session, fingerprint and file handle are in the store, and this tab holds
 * its lock so no other tab drives it at the same time.
 */
import type { UploadSession } from '../../engine/types.js';
import { fingerprintFile, type FileFingerprint } from './file-fingerprint.js';
import type { UnfinishedStore } from './unfinished-store.js';
import type { UploadLocks } from './upload-locks.js';

interface Kept {
  uploadId: string;
  release: () => void;
}

export class UploadKeeper {
  readonly #store: UnfinishedStore;
  readonly #locks: UploadLocks;
  readonly #kept = new Map<string, Kept>();
  /** Steps per entry run in order, so a late "keep" can never re-save an upload that was already forgotten. */
  readonly #chains = new Map<string, Promise<void>>();

  constructor(deps: { store: UnfinishedStore; locks: UploadLocks }) {
    this.#store = deps.store;
    this.#locks = deps.locks;
  }

  /** An upload resumed from the list: its lock is already held by this tab. */
  adopt(entryId: string, uploadId: string, release: () => void): void {
    this.#kept.get(entryId)?.release();
    this.#kept.set(entryId, { uploadId, release });
  }

  /** A run's session (created or resumed): hold its lock, and keep it with the file's fingerprint and handle. */
  keep(entryId: string, session: UploadSession, file: File, handle: FileSystemFileHandle | null, fingerprint?: FileFingerprint): Promise<void> {
    // A single PUT stores nothing until its bytes land whole, so there is nothing to resume (a reload sends the file
    // again), and a small file is not worth its fingerprint, lock and stored record; one kept before it is let go.
    if (session.single) return this.forget(entryId);
    return this.#then(entryId, async () => {
      const kept = this.#kept.get(entryId);
      if (kept?.uploadId !== session.uploadId) {
        kept?.release();
        this.#kept.delete(entryId);
        const release = await this.#locks.tryHold(session.uploadId);
        // A session just created is known to no other tab; a held lock here means another tab resumed it first.
        if (!release) return;
        this.#kept.set(entryId, { uploadId: session.uploadId, release });
      }
      await this.#store.save({ session, fingerprint: fingerprint ?? (await fingerprintFile(file)), handle });
    });
  }

  /** The upload ended (done, cancelled, failed) or was replaced by a new one: forget it and let go of its lock. */
  forget(entryId: string): Promise<void> {
    return this.#then(entryId, async () => {
      const kept = this.#kept.get(entryId);
      if (!kept) return;
      this.#kept.delete(entryId);
      try {
        await this.#store.remove(kept.uploadId);
      } finally {
        kept.release();
      }
    });
  }

  /** Upload ids this tab drives (or has paused). */
  drivenHere(): Set<string> {
    return new Set([...this.#kept.values()].map((kept) => kept.uploadId));
  }

  #then(entryId: string, step: () => Promise<void>): Promise<void> {
    // Storage failing (private mode, quota) must not stop the upload: it is then simply not resumable after a reload.
    const next = (this.#chains.get(entryId) ?? Promise.resolve()).then(step).catch(() => undefined);
    this.#chains.set(entryId, next);
    return next;
  }
}
