/**
 * Where unfinished uploads are kept between visits, so a reload, a crash or a
 * closed tab can resume them. A seam: the browser wires in IndexedDB
 * (idb-unfinished-store.ts), tests an in-memory fake.
 */
import type { UploadSession } from '../../engine/types.js';
import type { FileFingerprint } from './file-fingerprint.js';

export interface UnfinishedUpload {
  /** Everything the engine needs to resume, including the upload token (its expiry bounds how long it can be resumed). */
  readonly session: UploadSession;
  /** Recognises the file when it is dropped or chosen again. */
  readonly fingerprint: FileFingerprint;
  /** The file's handle where the browser gives one (Chromium), so Resume needs no picking; null elsewhere. */
  readonly handle: FileSystemFileHandle | null;
}

export interface UnfinishedStore {
  /** Every kept upload, oldest first; records that no longer parse are dropped. */
  list(): Promise<UnfinishedUpload[]>;
  /** Adds or replaces the upload with this session's uploadId. */
  save(upload: UnfinishedUpload): Promise<void>;
  /** Forgets an upload; no-op when it is not kept. */
  remove(uploadId: string): Promise<void>;
}
