import { describe, expect, it } from 'vitest';
import { ApiError, NetworkError } from '../../engine/errors.js';
import { FakeApi } from '../../engine/testing/fake-api.js';
import { FakeClock } from '../../engine/testing/fake-clock.js';
import { flush } from '../../engine/testing/flush.js';
import type { UploadSession } from '../../engine/types.js';
import { fingerprintFile } from './file-fingerprint.js';
import { LockRegistry, MemoryUploadLocks } from './testing/memory-upload-locks.js';
import { MemoryUnfinishedStore } from './testing/memory-unfinished-store.js';
import { UnfinishedUploads } from './unfinished-uploads.js';

const fileOf = (name: string, fill: number, size = 30) => new File([new Uint8Array(size).fill(fill)], name, { lastModified: 1000 });

async function setup() {
  const clock = new FakeClock();
  const api = new FakeApi(clock, 10);
  const store = new MemoryUnfinishedStore();
  const registry = new LockRegistry();
  const keep = async (file: File): Promise<UploadSession> => {
    const session = await api.create({ fileName: file.name, size: file.size });
    await store.save({ session, fingerprint: await fingerprintFile(file), handle: null });
    return session;
  };
  const tab = () => new UnfinishedUploads({ store, locks: new MemoryUploadLocks(registry), api, clock });
  return { clock, api, store, registry, keep, tab, otherTab: new MemoryUploadLocks(registry) };
}

describe('unfinished uploads found on load', () => {
  it('lists each kept upload with how much the store has, except those this page already drives', async () => {
    const { api, keep, tab } = await setup();
    const a = await keep(fileOf('a.bin', 1));
    const driven = await keep(fileOf('b.bin', 2));
    api.stored = [
      { partNumber: 1, size: 10, etag: '"x"' },
      { partNumber: 3, size: 10, etag: '"y"' },
    ];
    const list = tab();
    await list.load(new Set([driven.uploadId]));
    expect(list.snapshot().map((item) => [item.upload.session.uploadId, item.state])).toEqual([
      [a.uploadId, { kind: 'resumable', storedBytes: 20, storedParts: 2 }],
    ]);
    expect(api.callsOf('listParts').map((call) => call.uploadId)).toEqual([a.uploadId]);
  });

  it('says which can no longer be resumed: token past its expiry (no call), expired on the server, gone from the store, or not checkable', async () => {
    const { api, clock, keep, tab } = await setup();
    const old = await keep(fileOf('old.bin', 1));
    await clock.advance(old.expiresAt - clock.now() + 1);
    const expired = await keep(fileOf('expired.bin', 2));
    const gone = await keep(fileOf('gone.bin', 3));
    const offline = await keep(fileOf('offline.bin', 4));
    api.fail('listParts', new ApiError(401, 'token_expired', 'expired'));
    api.fail('listParts', new ApiError(404, 'no_such_upload', 'gone'));
    api.fail('listParts', new NetworkError('down'));
    const list = tab();
    await list.load();
    const states = Object.fromEntries(list.snapshot().map((item) => [item.upload.session.uploadId, item.state.kind]));
    expect(states).toEqual({ [old.uploadId]: 'expired', [expired.uploadId]: 'expired', [gone.uploadId]: 'gone', [offline.uploadId]: 'unchecked' });
    expect(api.callsOf('listParts').map((call) => call.uploadId)).not.toContain(old.uploadId);
  });

  it('an upload another tab holds shows as in progress there, and comes back once that tab lets go, or goes if it finished', async () => {
    const { store, keep, tab, otherTab } = await setup();
    const paused = await keep(fileOf('paused.bin', 1));
    const finishing = await keep(fileOf('finishing.bin', 2));
    const releasePaused = await otherTab.tryHold(paused.uploadId);
    const releaseFinishing = await otherTab.tryHold(finishing.uploadId);
    const list = tab();
    await list.load();
    expect(list.snapshot().map((item) => item.state.kind)).toEqual(['elsewhere', 'elsewhere']);

    releasePaused?.(); // that tab closed with the upload unfinished
    await store.remove(finishing.uploadId); // ...and the other one completed there
    releaseFinishing?.();
    await flush();
    expect(list.snapshot().map((item) => [item.upload.session.uploadId, item.state.kind])).toEqual([[paused.uploadId, 'resumable']]);
    list.dispose();
  });

  it('claim takes the lock and hands the upload over; a second tab cannot claim it meanwhile', async () => {
    const { keep, tab } = await setup();
    const session = await keep(fileOf('a.bin', 1));
    const first = tab();
    const second = tab();
    await Promise.all([first.load(), second.load()]);
    const claimed = await first.claim(session.uploadId);
    expect(claimed?.upload.session).toEqual(session);
    expect(first.snapshot()).toEqual([]);
    expect(await second.claim(session.uploadId)).toBeNull();
    expect(second.snapshot()[0]?.state.kind).toBe('elsewhere');
    claimed?.release();
    await flush();
    expect(second.snapshot()[0]?.state.kind).toBe('resumable');
    second.dispose();
  });

  it('matches a dropped file by fingerprint; the same name and size with other bytes is a mismatch with a reason', async () => {
    const { keep, tab } = await setup();
    const session = await keep(fileOf('a.bin', 1));
    const list = tab();
    await list.load();
    expect(await list.match(fileOf('a.bin', 1))).toMatchObject({ item: { upload: { session } }, match: { same: true } });
    expect(await list.match(fileOf('a.bin', 9))).toMatchObject({ match: { same: false, reason: expect.stringMatching(/content is different/) } });
    expect(await list.match(fileOf('a.bin', 1, 31))).toBeNull();
    expect(await list.match(fileOf('other.bin', 1))).toBeNull();
  });

  it('discard aborts on the store and forgets the upload; an expired one is forgotten though the server refuses the abort', async () => {
    const { api, store, keep, tab } = await setup();
    const a = await keep(fileOf('a.bin', 1));
    const b = await keep(fileOf('b.bin', 2));
    const list = tab();
    await list.load();
    await list.discard(a.uploadId);
    api.fail('abort', new ApiError(401, 'token_expired', 'expired'));
    await list.discard(b.uploadId);
    expect(api.callsOf('abort').map((call) => call.uploadId)).toEqual([a.uploadId, b.uploadId]);
    expect(list.snapshot()).toEqual([]);
    expect(await store.list()).toEqual([]);
  });

  it('a discard the server could not answer keeps the upload listed, with a sentence', async () => {
    const { api, store, keep, tab } = await setup();
    const a = await keep(fileOf('a.bin', 1));
    const list = tab();
    await list.load();
    api.fail('abort', new NetworkError('down'));
    await expect(list.discard(a.uploadId)).rejects.toBeInstanceOf(NetworkError);
    expect(list.snapshot()[0]?.message).toMatch(/could not be discarded/);
    expect(await store.list()).toHaveLength(1);
  });
});
