import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import type { UploadSession } from '../../engine/types.js';
import { createIdbUnfinishedStore } from './idb-unfinished-store.js';
import type { UnfinishedUpload } from './unfinished-store.js';

let databases = 0;
const freshName = () => `test-db-${++databases}`;

function upload(uploadId: string, expiresAt: number): UnfinishedUpload {
  const session: UploadSession = { uploadId, key: `uploads/${uploadId}/a.bin`, size: 20, partSize: 10, partCount: 2, token: `t-${uploadId}`, expiresAt, checksum: { mode: 'md5', etagIsMd5: true } };
  return { session, fingerprint: { name: 'a.bin', size: 20, lastModified: 1, headSha256: 'ab'.repeat(32) }, handle: null };
}

describe('unfinished uploads in IndexedDB', () => {
  it('keeps uploads across store instances (a reload), oldest first, and forgets removed ones', async () => {
    const name = freshName();
    const first = createIdbUnfinishedStore({ name });
    await first.save(upload('later', 2_000));
    await first.save(upload('earlier', 1_000));
    await first.save(upload('gone', 3_000));
    await first.remove('gone');
    await first.remove('never-kept');

    const afterReload = createIdbUnfinishedStore({ name });
    expect(await afterReload.list()).toEqual([upload('earlier', 1_000), upload('later', 2_000)]);
  });

  it('save replaces the record of the same upload', async () => {
    const store = createIdbUnfinishedStore({ name: freshName() });
    await store.save(upload('u', 1_000));
    await store.save(upload('u', 5_000));
    expect((await store.list()).map((u) => u.session.expiresAt)).toEqual([5_000]);
  });

  it('drops records that do not have the expected shape instead of handing them on', async () => {
    const name = freshName();
    const store = createIdbUnfinishedStore({ name });
    await store.save(upload('good', 1_000));
    const raw = await openDB(name, 1);
    await raw.put('unfinished-uploads', { id: 'old-version', session: { uploadId: 'old-version' }, fingerprint: {}, handle: null });
    await raw.put('unfinished-uploads', { ...upload('bad-hash', 1), id: 'bad-hash', fingerprint: { name: 'a', size: 1, lastModified: 1, headSha256: 'nope' } });
    raw.close();
    expect((await store.list()).map((u) => u.session.uploadId)).toEqual(['good']);
  });
});
