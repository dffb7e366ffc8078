import { describe, expect, it } from 'vitest';
import type { PartProgress, UploadProgress, UploadSession } from '../../engine/types.js';
import { initialUploadsState, uploadsReducer, type UploadsAction, type UploadsState } from './upload-reducer.js';

const file = new File(['hello'], 'hello.txt', { type: 'text/plain' });
const session: UploadSession = { uploadId: 'u1', key: 'k/hello.txt', size: 5, partSize: 5, partCount: 2, token: 't', expiresAt: 0, checksum: { mode: 'md5', etagIsMd5: true } };

function part(partNumber: number, state: PartProgress['state'], sentBytes = 0): PartProgress {
  return { partNumber, size: 5, sentBytes, state };
}
function progress(parts: PartProgress[]): UploadProgress {
  const transferredBytes = parts.reduce((sum, p) => sum + p.sentBytes, 0);
  return { transferredBytes, totalBytes: 10, bytesPerSecond: 1, etaSeconds: 1, waitingFor: null, parts };
}
function run(...actions: UploadsAction[]): UploadsState {
  return actions.reduce(uploadsReducer, initialUploadsState);
}
const started = (runId: number, fresh = true): UploadsAction => ({ type: 'started', id: 'a', runId, fresh });
const progressed = (runId: number, p: UploadProgress): UploadsAction => ({ type: 'progressed', updates: [{ id: 'a', runId, progress: p }] });

describe('uploadsReducer', () => {
  it('adds files in order and ignores a repeated id', () => {
    const state = run(
      { type: 'added', id: 'a', file },
      { type: 'added', id: 'b', file },
      { type: 'added', id: 'a', file },
    );
    expect(state.order).toEqual(['a', 'b']);
    expect(state.byId.a?.status).toBe('preparing');
  });

  it('adds many files in one action, started or refused, in order', () => {
    const state = run(
      { type: 'added', id: 'a', file },
      {
        type: 'filesAdded',
        files: [
          { id: 'b', file, runId: 7 },
          { id: 'a', file, runId: 8 },
          { id: 'c', file, refusal: 'Too big.' },
        ],
      },
    );
    expect(state.order).toEqual(['a', 'b', 'c']);
    expect(state.byId.a).toMatchObject({ status: 'preparing', runId: null });
    expect(state.byId.b).toMatchObject({ status: 'preparing', runId: 7, errorMessage: null, retryable: true });
    expect(state.byId.c).toMatchObject({ status: 'failed', runId: null, errorMessage: 'Too big.', retryable: false });
    // Events of the run a file was added with are accepted.
    const next = uploadsReducer(state, { type: 'progressed', updates: [{ id: 'b', runId: 7, progress: progress([part(1, 'uploading', 2)]) }] });
    expect(next.byId.b?.status).toBe('uploading');
  });

  it('keeps what is said about how an upload began (resumed, not resumed, started over) until a Retry replaces it', () => {
    let state = run({ type: 'filesAdded', files: [{ id: 'a', file, runId: 1, session, notice: 'Resumed.' }] });
    expect(state.byId.a).toMatchObject({ session, notice: 'Resumed.' });
    state = uploadsReducer(state, { type: 'noticed', id: 'a', runId: 1, notice: 'Started over.' });
    state = uploadsReducer(state, { type: 'noticed', id: 'a', runId: 0, notice: 'From an old run: ignored.' });
    expect(state.byId.a?.notice).toBe('Started over.');
    state = run({ type: 'filesAdded', files: [{ id: 'a', file, runId: 1, notice: 'Uploaded as a new file.' }] });
    expect(state.byId.a?.notice).toBe('Uploaded as a new file.');
    state = uploadsReducer(uploadsReducer(state, { type: 'failed', id: 'a', runId: 1, message: 'No.' }), started(2, true));
    expect(state.byId.a?.notice).toBeNull();
  });

  it('shows a refused file as failed that cannot be retried', () => {
    const state = run({ type: 'refused', id: 'a', file, message: 'Too big.' });
    expect(state.byId.a).toMatchObject({ status: 'failed', errorMessage: 'Too big.', retryable: false });
  });

  it('moves from preparing to uploading to completing to done', () => {
    let state = run({ type: 'added', id: 'a', file }, started(1), { type: 'session', id: 'a', runId: 1, session });
    expect(state.byId.a?.session).toBe(session);
    state = uploadsReducer(state, progressed(1, progress([part(1, 'done', 5), part(2, 'uploading', 2)])));
    expect(state.byId.a?.status).toBe('uploading');
    expect(state.byId.a?.progress?.transferredBytes).toBe(7);
    state = uploadsReducer(state, progressed(1, progress([part(1, 'done', 5), part(2, 'done', 5)])));
    expect(state.byId.a?.status).toBe('completing');
    const result = { key: 'k', size: 10, etag: '"e"', downloadUrl: 'http://x/k' };
    state = uploadsReducer(state, { type: 'succeeded', id: 'a', runId: 1, result });
    expect(state.byId.a).toMatchObject({ status: 'done', result, runId: null });
  });

  it('ignores events from a run that is no longer current', () => {
    const state = run(
      { type: 'added', id: 'a', file },
      started(1),
      started(2),
      progressed(1, progress([part(1, 'uploading', 3)])),
      { type: 'failed', id: 'a', runId: 1, message: 'old' },
    );
    expect(state.byId.a).toMatchObject({ status: 'preparing', progress: null, errorMessage: null, runId: 2 });
  });

  it('stays paused when late progress or a late error of the paused run arrives, and resumes with the session', () => {
    let state = run(
      { type: 'added', id: 'a', file },
      started(1),
      { type: 'session', id: 'a', runId: 1, session },
      progressed(1, progress([part(1, 'uploading', 3)])),
      { type: 'paused', id: 'a' },
      progressed(1, progress([part(1, 'uploading', 4)])),
      { type: 'failed', id: 'a', runId: 1, message: 'aborted' },
    );
    expect(state.byId.a).toMatchObject({ status: 'paused', errorMessage: null });
    expect(state.byId.a?.progress?.transferredBytes).toBe(3);
    state = uploadsReducer(state, started(2, false));
    expect(state.byId.a).toMatchObject({ status: 'preparing', session, runId: 2 });
    expect(state.byId.a?.progress?.transferredBytes).toBe(3);
  });

  it('shows done when the store completed the object although Pause was pressed', () => {
    const result = { key: 'k', size: 10, etag: '"e"', downloadUrl: 'http://x/k' };
    const state = run({ type: 'added', id: 'a', file }, started(1), { type: 'paused', id: 'a' }, { type: 'succeeded', id: 'a', runId: 1, result });
    expect(state.byId.a?.status).toBe('done');
  });

  it('fails with a sentence, and Retry starts fresh without the old session or progress', () => {
    let state = run(
      { type: 'added', id: 'a', file },
      started(1),
      { type: 'session', id: 'a', runId: 1, session },
      progressed(1, progress([part(1, 'failed', 0)])),
      { type: 'failed', id: 'a', runId: 1, message: 'Part 1 was refused.' },
    );
    expect(state.byId.a).toMatchObject({ status: 'failed', errorMessage: 'Part 1 was refused.', runId: null });
    state = uploadsReducer(state, started(2, true));
    expect(state.byId.a).toMatchObject({ status: 'preparing', session: null, progress: null, errorMessage: null });
  });

  it('cancels an active or paused upload but not a finished one', () => {
    const cancelled = run({ type: 'added', id: 'a', file }, started(1), { type: 'session', id: 'a', runId: 1, session }, { type: 'cancelled', id: 'a' });
    expect(cancelled.byId.a).toMatchObject({ status: 'cancelled', session: null });
    const failed = run({ type: 'refused', id: 'a', file, message: 'no' }, { type: 'cancelled', id: 'a' });
    expect(failed.byId.a?.status).toBe('failed');
  });

  it('a cancelled multipart upload shows its parts until the store let go of them, then none', () => {
    const stored = progress([part(1, 'done', 5), part(2, 'queued')]);
    const base: UploadsAction[] = [{ type: 'added', id: 'a', file }, started(1), { type: 'session', id: 'a', runId: 1, session }, progressed(1, stored), { type: 'cancelled', id: 'a' }];
    const removing = run(...base);
    expect(removing.byId.a).toMatchObject({ status: 'cancelled', cleanup: 'removing', progress: stored });

    const removed = run(...base, { type: 'cleanedUp', id: 'a', outcome: 'removed' });
    expect(removed.byId.a).toMatchObject({ status: 'cancelled', cleanup: 'removed', progress: null });
    // Settled once: a later outcome does not change what was said.
    expect(uploadsReducer(removed, { type: 'cleanedUp', id: 'a', outcome: 'left' })).toBe(removed);

    const left = run(...base, { type: 'cleanedUp', id: 'a', outcome: 'left' });
    expect(left.byId.a).toMatchObject({ status: 'cancelled', cleanup: 'left', progress: stored });
  });

  it('nothing to remove when Cancel came before the upload existed, or for a single PUT; a failed upload is not changed', () => {
    const beforeSession = run({ type: 'added', id: 'a', file }, started(1), { type: 'cancelled', id: 'a' });
    expect(beforeSession.byId.a).toMatchObject({ status: 'cancelled', cleanup: null });
    const single = run({ type: 'added', id: 'a', file }, started(1), { type: 'session', id: 'a', runId: 1, session: { ...session, partCount: 1, single: true } }, { type: 'cancelled', id: 'a' });
    expect(single.byId.a).toMatchObject({ status: 'cancelled', cleanup: null });
    const failed = run({ type: 'added', id: 'a', file }, started(1), { type: 'session', id: 'a', runId: 1, session }, { type: 'failed', id: 'a', runId: 1, message: 'no' });
    expect(uploadsReducer(failed, { type: 'cleanedUp', id: 'a', outcome: 'removed' })).toBe(failed);
  });

  it('applies a batch of progress for several files in one action', () => {
    const state = run(
      { type: 'added', id: 'a', file },
      { type: 'added', id: 'b', file },
      started(1),
      { type: 'started', id: 'b', runId: 2, fresh: true },
      {
        type: 'progressed',
        updates: [
          { id: 'a', runId: 1, progress: progress([part(1, 'uploading', 1)]) },
          { id: 'b', runId: 2, progress: progress([part(1, 'uploading', 2)]) },
        ],
      },
    );
    expect(state.byId.a?.progress?.transferredBytes).toBe(1);
    expect(state.byId.b?.progress?.transferredBytes).toBe(2);
  });

  it('removes an entry and returns the same state for an unknown id', () => {
    const state = run({ type: 'added', id: 'a', file }, { type: 'removed', id: 'a' });
    expect(state.order).toEqual([]);
    expect(state.byId.a).toBeUndefined();
    expect(uploadsReducer(state, { type: 'removed', id: 'zzz' })).toBe(state);
  });

  it('shows a run waiting for sign-in until it goes on, and forgets the wait when the run ends or pauses', () => {
    let state = run({ type: 'added', id: 'a', file }, started(1), { type: 'waited', id: 'a', runId: 1, wait: 'sign-in' });
    expect(state.byId.a).toMatchObject({ status: 'preparing', waitingFor: 'sign-in' });
    state = uploadsReducer(state, { type: 'waited', id: 'a', runId: 2, wait: null }); // another run's event
    expect(state.byId.a?.waitingFor).toBe('sign-in');
    state = uploadsReducer(state, { type: 'waited', id: 'a', runId: 1, wait: null });
    expect(state.byId.a?.waitingFor).toBeNull();
    state = uploadsReducer(state, { type: 'waited', id: 'a', runId: 1, wait: 'sign-in' });
    state = uploadsReducer(state, { type: 'paused', id: 'a' });
    expect(state.byId.a).toMatchObject({ status: 'paused', waitingFor: null });
  });
});


describe('uploadsReducer batch', () => {
  it('applies entry actions in order, as one by one, and keeps untouched entries', () => {
    const listed = run({ type: 'filesAdded', files: [{ id: 'a', file, runId: 1 }, { id: 'b', file, runId: 2 }, { id: 'c', file, runId: 3 }] });
    const actions = [
      { type: 'session', id: 'a', runId: 1, session },
      { type: 'progressed', updates: [{ id: 'a', runId: 1, progress: progress([part(1, 'uploading', 2)]) }, { id: 'b', runId: 2, progress: progress([part(1, 'done', 5)]) }] },
      { type: 'succeeded', id: 'b', runId: 2, result: { key: 'k', etag: 'e', size: 5, downloadUrl: 'u' } },
      { type: 'noticed', id: 'c', runId: 99, notice: 'From an old run: ignored.' },
      { type: 'paused', id: 'a' },
    ] as const satisfies readonly UploadsAction[];
    const batched = uploadsReducer(listed, { type: 'batch', actions });
    expect(batched).toEqual(actions.reduce<UploadsState>(uploadsReducer, listed));
    expect(batched.byId.a).toMatchObject({ status: 'paused', session });
    expect(batched.byId.b).toMatchObject({ status: 'done' });
    expect(batched.byId.c).toBe(listed.byId.c);
    expect(batched.order).toBe(listed.order);
  });

  it('returns the same state when nothing in the batch applies', () => {
    const listed = run({ type: 'filesAdded', files: [{ id: 'a', file, runId: 1 }] });
    expect(uploadsReducer(listed, { type: 'batch', actions: [{ type: 'failed', id: 'a', runId: 2, message: 'old run' }, { type: 'paused', id: 'missing' }] })).toBe(listed);
  });
});
