/**
 * The unfinished uploads a page found on load (kept from an earlier visit,
 * or driven by another tab): how much of each is stored, until when it can
 * be resumed, and the steps to resume or discard one. Framework-free; React
 * reads it through subscribe/snapshot (use-unfinished-uploads.ts).
 */
import { ApiError } from '../../engine/errors.js';
import type { Clock, UploadApi } from '../../engine/types.js';
import { couldBeSameFile, matchFingerprint, type FingerprintMatch } from './file-fingerprint.js';
import type { UnfinishedStore, UnfinishedUpload } from './unfinished-store.js';
import type { UploadLocks } from './upload-locks.js';

export type UnfinishedState =
  | { readonly kind: 'checking' }
  /** The store has the upload: `storedBytes` in `storedParts` parts are on it. */
  | { readonly kind: 'resumable'; readonly storedBytes: number; readonly storedParts: number }
  /** The token expired or the store lost the upload: resuming starts it again from the beginning. */
  | { readonly kind: 'expired' }
  | { readonly kind: 'gone' }
  /** Another tab drives it. */
  | { readonly kind: 'elsewhere' }
  /** How much is stored could not be learned (network); Resume may still work. */
  | { readonly kind: 'unchecked' };

export interface UnfinishedItem {
  readonly upload: UnfinishedUpload;
  readonly state: UnfinishedState;
  /** Resume needs the person to pick or drop the file (no handle, or its permission was refused). */
  readonly needsFile: boolean;
  /** A sentence for the person about the last attempt (a refused file, another tab). */
  readonly message: string | null;
}

export interface UnfinishedUploadsDeps {
  store: UnfinishedStore;
  locks: UploadLocks;
  api: Pick<UploadApi, 'listParts' | 'abort'>;
  clock: Clock;
}

export class UnfinishedUploads {
  readonly #deps: UnfinishedUploadsDeps;
  readonly #listeners = new Set<() => void>();
  /** Aborts the waits on other tabs' locks when the page goes. */
  #disposed = new AbortController();
  #items: readonly UnfinishedItem[] = [];
  /** Settles once the kept uploads are read: a file dropped right after the page opens is matched against them too. */
  #listed: Promise<unknown> = Promise.resolve();

  constructor(deps: UnfinishedUploadsDeps) {
    this.#deps = deps;
  }

  snapshot = (): readonly UnfinishedItem[] => this.#items;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** Reads the kept uploads, except those this page already drives, and checks each. */
  async load(drivenHere: ReadonlySet<string> = new Set()): Promise<void> {
    if (this.#disposed.signal.aborted) this.#disposed = new AbortController();
    const listed = this.#deps.store.list();
    this.#listed = listed.catch(() => undefined);
    const uploads = (await listed).filter((upload) => !drivenHere.has(upload.session.uploadId));
    this.#set(uploads.map((upload) => ({ upload, state: { kind: 'checking' }, needsFile: false, message: null })));
    const held = await this.#deps.locks.heldOf(uploads.map((upload) => upload.session.uploadId));
    for (const upload of uploads) if (held.has(upload.session.uploadId)) this.#markElsewhere(upload.session.uploadId);
    await Promise.all(uploads.filter((upload) => !held.has(upload.session.uploadId)).map((upload) => this.#check(upload)));
  }

  /** Stops waiting on other tabs; load() starts again. */
  dispose(): void {
    this.#disposed.abort();
  }

  /** The unfinished upload a dropped or chosen file belongs to, if any: a fingerprint match first, else the first of the same name and size with why it differs. */
  async match(file: File): Promise<{ item: UnfinishedItem; match: FingerprintMatch } | null> {
    await this.#listed;
    let mismatch: { item: UnfinishedItem; match: FingerprintMatch } | null = null;
    for (const item of this.#items.filter((candidate) => couldBeSameFile(candidate.upload.fingerprint, file))) {
      const match = await matchFingerprint(item.upload.fingerprint, file);
      if (match.same) return { item, match };
      mismatch ??= { item, match };
    }
    return mismatch;
  }

  /**
   * Takes the upload's lock for this tab and drops it from the list (it becomes
   * an ordinary upload of the page). Null when another tab holds it: the item
   * then shows so, and comes back when that tab lets go.
   */
  async claim(uploadId: string): Promise<{ upload: UnfinishedUpload; release: () => void } | null> {
    const item = this.#find(uploadId);
    if (!item) return null;
    const release = await this.#deps.locks.tryHold(uploadId);
    if (!release) {
      this.#markElsewhere(uploadId);
      return null;
    }
    this.#set(this.#items.filter((candidate) => candidate.upload.session.uploadId !== uploadId));
    return { upload: item.upload, release };
  }

  /** Resume cannot read the file by itself: the person is asked to choose or drop it. */
  askForFile(uploadId: string, message: string): void {
    this.#update(uploadId, (item) => ({ ...item, needsFile: true, message }));
  }

  /** A file offered for this upload was not the right one. */
  refuse(uploadId: string, message: string): void {
    this.#update(uploadId, (item) => ({ ...item, message }));
  }

  /** Aborts the upload on the store (when it can still be reached) and forgets it. Refused while another tab drives it. */
  async discard(uploadId: string): Promise<void> {
    const claimed = await this.claim(uploadId);
    if (!claimed) return;
    try {
      await this.#deps.api.abort(claimed.upload.session).catch((error: unknown) => {
        // Already gone, or no longer ours to abort (expired token): the janitor removes what is left.
        if (!(error instanceof ApiError && (error.status === 401 || error.status === 404))) throw error;
      });
      await this.#deps.store.remove(uploadId);
    } catch (error) {
      this.#set([...this.#items, { upload: claimed.upload, state: { kind: 'unchecked' }, needsFile: false, message: 'It could not be discarded: the server did not answer. Try again.' }]);
      throw error;
    } finally {
      claimed.release();
    }
  }

  async #check(upload: UnfinishedUpload): Promise<void> {
    const uploadId = upload.session.uploadId;
    const state = await this.#storedState(upload);
    this.#update(uploadId, (item) => ({ ...item, state }));
  }

  async #storedState(upload: UnfinishedUpload): Promise<UnfinishedState> {
    if (upload.session.expiresAt <= this.#deps.clock.now()) return { kind: 'expired' };
    try {
      const parts = await this.#deps.api.listParts(upload.session, this.#disposed.signal);
      const storedBytes = Math.min(
        upload.session.size,
        parts.reduce((sum, part) => sum + part.size, 0),
      );
      return { kind: 'resumable', storedBytes, storedParts: parts.length };
    } catch (error) {
      if (error instanceof ApiError && error.code === 'token_expired') return { kind: 'expired' };
      if (error instanceof ApiError && (error.code === 'no_such_upload' || error.code === 'invalid_token')) return { kind: 'gone' };
      return { kind: 'unchecked' };
    }
  }

  /** Shows the item as driven by another tab, and checks it again once that tab lets go (if it is still unfinished). */
  #markElsewhere(uploadId: string): void {
    this.#update(uploadId, (item) => ({ ...item, state: { kind: 'elsewhere' }, message: null }));
    void this.#recheckWhenFree(uploadId);
  }

  async #recheckWhenFree(uploadId: string): Promise<void> {
    try {
      await this.#deps.locks.whenFree(uploadId, this.#disposed.signal);
    } catch {
      return; // the page went away
    }
    const kept = (await this.#deps.store.list()).find((upload) => upload.session.uploadId === uploadId);
    if (!kept) {
      this.#set(this.#items.filter((item) => item.upload.session.uploadId !== uploadId));
      return;
    }
    this.#update(uploadId, (item) => ({ ...item, upload: kept, state: { kind: 'checking' } }));
    await this.#check(kept);
  }

  #find(uploadId: string): UnfinishedItem | undefined {
    return this.#items.find((item) => item.upload.session.uploadId === uploadId);
  }

  #update(uploadId: string, change: (item: UnfinishedItem) => UnfinishedItem): void {
    if (!this.#find(uploadId)) return;
    this.#set(this.#items.map((item) => (item.upload.session.uploadId === uploadId ? change(item) : item)));
  }

  #set(items: readonly UnfinishedItem[]): void {
    this.#items = items;
    for (const listener of this.#listeners) listener();
  }
}
