import type { UnfinishedStore, UnfinishedUpload } from '../unfinished-store.js';

/** The store as a Map: tests share one instance between "visits" to act as the same browser profile. */
export class MemoryUnfinishedStore implements UnfinishedStore {
  readonly uploads = new Map<string, UnfinishedUpload>();

  async list(): Promise<UnfinishedUpload[]> {
    return [...this.uploads.values()];
  }

  async save(upload: UnfinishedUpload): Promise<void> {
    this.uploads.set(upload.session.uploadId, upload);
  }

  async remove(uploadId: string): Promise<void> {
    this.uploads.delete(uploadId);
  }
}
