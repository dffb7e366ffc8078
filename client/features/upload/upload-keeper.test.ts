import { describe, expect, it } from 'vitest';
import type { UploadSession } from '../../engine/types.js';
import { fingerprintFile } from './file-fingerprint.js';
import { LockRegistry, MemoryUploadLocks } from './testing/memory-upload-locks.js';
import { MemoryUnfinishedStore } from './testing/memory-unfinished-store.js';
import { UploadKeeper } from './upload-keeper.js';

const session = (uploadId: string): UploadSession => ({ uploadId, key: `k/${uploadId}`, size: 3, partSize: 10, partCount: 1, token: 't', expiresAt: 1, checksum: { mode: 'md5', etagIsMd5: true } });
const file = new File([new Uint8Array([1, 2, 3])], 'a.bin', { lastModified: 5 });

describe('keeping the uploads this tab drives', () => {
  it('keeps a session with the file fingerprint and holds its lock until the upload ends', async () => {
    const store = new MemoryUnfinishedStore();
    const registry = new LockRegistry();
    const keeper = new UploadKeeper({ store, locks: new MemoryUploadLocks(registry) });
    await keeper.keep('entry-1', session('u1'), file, null);
    expect(await store.list()).toEqual([{ session: session('u1'), fingerprint: await fingerprintFile(file), handle: null }]);
    expect(registry.held).toEqual(new Set(['u1']));
    expect(keeper.drivenHere()).toEqual(new Set(['u1']));

    await keeper.forget('entry-1');
    expect(await store.list()).toEqual([]);
    expect(registry.held).toEqual(new Set());
  });

  it('a new session for the same entry (started over) replaces the old one and its lock', async () => {
    const store = new MemoryUnfinishedStore();
    const registry = new LockRegistry();
    const keeper = new UploadKeeper({ store, locks: new MemoryUploadLocks(registry) });
    await keeper.keep('e', session('old'), file, null);
    void keeper.forget('e');
    await keeper.keep('e', session('new'), file, null);
    expect((await store.list()).map((u) => u.session.uploadId)).toEqual(['new']);
    expect(registry.held).toEqual(new Set(['new']));
  });

  it('an upload that ends while it is still being kept is not left behind in the store', async () => {
    const store = new MemoryUnfinishedStore();
    const keeper = new UploadKeeper({ store, locks: new MemoryUploadLocks() });
    const keeping = keeper.keep('e', session('u'), file, null);
    const forgetting = keeper.forget('e');
    await Promise.all([keeping, forgetting]);
    expect(await store.list()).toEqual([]);
  });

  it('an adopted upload (resumed from the list) keeps the lock it came with, and saves the new handle', async () => {
    const store = new MemoryUnfinishedStore();
    const registry = new LockRegistry();
    const locks = new MemoryUploadLocks(registry);
    const keeper = new UploadKeeper({ store, locks });
    const release = await locks.tryHold('u');
    keeper.adopt('e', 'u', release ?? (() => undefined));
    await keeper.keep('e', session('u'), file, null);
    expect(await store.list()).toHaveLength(1);
    await keeper.forget('e');
    expect(registry.held).toEqual(new Set());
  });

  it('does not keep a single-PUT upload (nothing is stored to resume from), and lets go of the session it replaced', async () => {
    const store = new MemoryUnfinishedStore();
    const registry = new LockRegistry();
    const keeper = new UploadKeeper({ store, locks: new MemoryUploadLocks(registry) });
    await keeper.keep('small', { ...session(''), single: true }, file, null);
    expect(await store.list()).toEqual([]);
    expect(registry.held).toEqual(new Set());
    expect(keeper.drivenHere()).toEqual(new Set());

    await keeper.keep('started-over', session('multipart'), file, null);
    await keeper.keep('started-over', { ...session(''), single: true }, file, null);
    expect(await store.list()).toEqual([]);
    expect(registry.held).toEqual(new Set());
  });
});
