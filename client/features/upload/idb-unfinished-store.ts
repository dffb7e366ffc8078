/**
 * Unfinished uploads in IndexedDB (through idb), one record per upload keyed by
 * its uploadId. FileSystemFileHandles are stored as they are (IndexedDB can
 * clone them). Records are checked when read: one written by another version
 * of the app, or damaged, is dropped rather than trusted.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { z } from 'zod';
import { CreateUploadResponse } from '../../../shared/api.js';
import type { UnfinishedStore, UnfinishedUpload } from './unfinished-store.js';

export const UNFINISHED_DB_NAME = 's3-big-upload';
const STORE = 'unfinished-uploads';

const FingerprintRecord = z.object({
  name: z.string(),
  size: z.number().int().min(0),
  lastModified: z.number(),
  headSha256: z.string().regex(/^[0-9a-f]{64}$/),
});
const UploadRecord = z.object({ id: z.string().min(1), session: CreateUploadResponse, fingerprint: FingerprintRecord, handle: z.unknown() });

interface Schema extends DBSchema {
  [STORE]: { key: string; value: { id: string; session: unknown; fingerprint: unknown; handle: unknown } };
}

export function createIdbUnfinishedStore(options: { name?: string } = {}): UnfinishedStore {
  let db: Promise<IDBPDatabase<Schema>> | null = null;
  const open = () => {
    db ??= openDB<Schema>(options.name ?? UNFINISHED_DB_NAME, 1, {
      upgrade(database) {
        database.createObjectStore(STORE, { keyPath: 'id' });
      },
    });
    return db;
  };

  return {
    async list() {
      const records = await (await open()).getAll(STORE);
      const uploads: UnfinishedUpload[] = [];
      for (const record of records) {
        const parsed = UploadRecord.safeParse(record);
        if (!parsed.success) continue;
        uploads.push({ session: parsed.data.session, fingerprint: parsed.data.fingerprint, handle: asFileHandle(parsed.data.handle) });
      }
      return uploads.sort((a, b) => a.session.expiresAt - b.session.expiresAt);
    },
    async save(upload) {
      await (await open()).put(STORE, { id: upload.session.uploadId, session: upload.session, fingerprint: upload.fingerprint, handle: upload.handle });
    },
    async remove(uploadId) {
      await (await open()).delete(STORE, uploadId);
    },
  };
}

function asFileHandle(value: unknown): FileSystemFileHandle | null {
  return typeof FileSystemFileHandle !== 'undefined' && value instanceof FileSystemFileHandle ? value : null;
}
