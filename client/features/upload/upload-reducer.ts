/**
 * The upload list as data: one entry per chosen file, keyed by id, changed only
 * by this reducer. Every engine event carries the run it belongs to, so events
 * from a paused, cancelled or superseded run can never overwrite a newer one.
 */
import type { UploadProgress, UploadResult, UploadSession, UploadWait } from '../../engine/types.js';

export type UploadStatus = 'preparing' | 'uploading' | 'paused' | 'completing' | 'done' | 'failed' | 'cancelled';

export interface UploadEntry {
  readonly id: string;
  readonly file: File;
  /** The engine run whose events are accepted; null when none is running. */
  readonly runId: number | null;
  readonly status: UploadStatus;
  readonly progress: UploadProgress | null;
  /** Kept from onSession so Pause can be resumed. */
  readonly session: UploadSession | null;
  readonly result: UploadResult | null;
  /** A sentence for the person; set with status 'failed'. */
  readonly errorMessage: string | null;
  /** False when retrying cannot help (the file was refused before upload). */
  readonly retryable: boolean;
  /** Something the person should know about how this upload began (resumed, started over, not resumed and why). */
  readonly notice: string | null;
  /** 'sign-in' while the run waits for the person to sign in again. */
  readonly waitingFor: UploadWait;
}

export interface UploadsState {
  readonly order: readonly string[];
  readonly byId: Readonly<Record<string, UploadEntry>>;
}

/**
 * A chosen file: started at once under `runId` (with the session it resumes, if it continues one kept from an
 * earlier visit, and a sentence about how it began), or refused before upload with a sentence for the person.
 */
export type NewFile =
  | { id: string; file: File; runId: number; session?: UploadSession; notice?: string }
  | { id: string; file: File; refusal: string };

export type UploadsAction =
  | { type: 'added'; id: string; file: File }
  /** Many files at once (a drop of 1,000): one state change, not one per file. */
  | { type: 'filesAdded'; files: readonly NewFile[] }
  | { type: 'refused'; id: string; file: File; message: string }
  /** A run starts; `fresh` drops the session and progress (Retry), otherwise they are kept (Resume). */
  | { type: 'started'; id: string; runId: number; fresh: boolean }
  | { type: 'session'; id: string; runId: number; session: UploadSession }
  | { type: 'waited'; id: string; runId: number; wait: UploadWait }
  | { type: 'progressed'; updates: readonly { id: string; runId: number; progress: UploadProgress }[] }
  | { type: 'succeeded'; id: string; runId: number; result: UploadResult }
  | { type: 'failed'; id: string; runId: number; message: string }
  | { type: 'noticed'; id: string; runId: number; notice: string }
  | { type: 'paused'; id: string }
  | { type: 'cancelled'; id: string }
  | { type: 'removed'; id: string };

export const initialUploadsState: UploadsState = { order: [], byId: {} };

const ACTIVE: ReadonlySet<UploadStatus> = new Set(['preparing', 'uploading', 'completing']);

export function isActive(status: UploadStatus): boolean {
  return ACTIVE.has(status);
}

export function uploadsReducer(state: UploadsState, action: UploadsAction): UploadsState {
  switch (action.type) {
    case 'added':
      return addEntries(state, [{ id: action.id, file: action.file, runId: null }]);
    case 'refused':
      return addEntries(state, [{ id: action.id, file: action.file, refusal: action.message }]);
    case 'filesAdded':
      return addEntries(state, action.files);
    case 'started':
      return update(state, action.id, (entry) => ({
        ...entry,
        runId: action.runId,
        status: 'preparing',
        waitingFor: null,
        errorMessage: null,
        result: null,
        session: action.fresh ? null : entry.session,
        progress: action.fresh ? null : entry.progress,
        // Retry starts another upload: what was said about the failed one no longer holds.
        notice: entry.status === 'failed' ? null : entry.notice,
      }));
    case 'session':
      return updateRun(state, action.id, action.runId, (entry) => ({ ...entry, session: action.session }));
    case 'noticed':
      return updateRun(state, action.id, action.runId, (entry) => ({ ...entry, notice: action.notice }));
    case 'waited':
      return updateRun(state, action.id, action.runId, (entry) => (entry.waitingFor === action.wait ? entry : { ...entry, waitingFor: action.wait }));
    case 'progressed': {
      let next = state;
      for (const { id, runId, progress } of action.updates) {
        next = updateRun(next, id, runId, (entry) =>
          entry.status === 'paused' || entry.status === 'cancelled'
            ? entry
            : { ...entry, progress, status: allPartsDone(progress) ? 'completing' : 'uploading' },
        );
      }
      return next;
    }
    case 'succeeded':
      // Accepted even after Pause or Cancel was pressed: if the store completed the object, say so.
      return updateRun(state, action.id, action.runId, (entry) => ({
        ...entry,
        runId: null,
        status: 'done',
        result: action.result,
        errorMessage: null,
        waitingFor: null,
      }));
    case 'failed':
      return updateRun(state, action.id, action.runId, (entry) =>
        // A run stopped on purpose may still reject with a late error; the person's choice stands.
        entry.status === 'paused' || entry.status === 'cancelled'
          ? entry
          : { ...entry, runId: null, status: 'failed', errorMessage: action.message, retryable: true, waitingFor: null },
      );
    // Pause and Cancel keep runId: the run's late events are still recognised (a completed object is shown as done).
    case 'paused':
      return update(state, action.id, (entry) => (isActive(entry.status) ? { ...entry, status: 'paused', waitingFor: null } : entry));
    case 'cancelled':
      return update(state, action.id, (entry) =>
        isActive(entry.status) || entry.status === 'paused' ? { ...entry, status: 'cancelled', session: null, waitingFor: null } : entry,
      );
    case 'removed': {
      if (!state.byId[action.id]) return state;
      const byId = { ...state.byId };
      delete byId[action.id];
      return { order: state.order.filter((id) => id !== action.id), byId };
    }
  }
}

/** Appends new entries in one copy of the list; ids already present are ignored. */
function addEntries(state: UploadsState, files: readonly (NewFile | { id: string; file: File; runId: null })[]): UploadsState {
  const order = [...state.order];
  const byId = { ...state.byId };
  for (const added of files) {
    if (byId[added.id]) continue;
    const refusal = 'refusal' in added ? added.refusal : null;
    byId[added.id] = {
      id: added.id,
      file: added.file,
      runId: 'runId' in added ? added.runId : null,
      status: refusal === null ? 'preparing' : 'failed',
      progress: null,
      session: ('session' in added && added.session) || null,
      result: null,
      errorMessage: refusal,
      retryable: refusal === null,
      notice: ('notice' in added && added.notice) || null,
      waitingFor: null,
    };
    order.push(added.id);
  }
  return order.length === state.order.length ? state : { order, byId };
}

function allPartsDone(progress: UploadProgress): boolean {
  return progress.parts.length > 0 && progress.parts.every((part) => part.state === 'done');
}

function update(state: UploadsState, id: string, change: (entry: UploadEntry) => UploadEntry): UploadsState {
  const entry = state.byId[id];
  if (!entry) return state;
  const next = change(entry);
  return next === entry ? state : { ...state, byId: { ...state.byId, [id]: next } };
}

/** Applies a change only when the event belongs to the entry's current run. */
function updateRun(state: UploadsState, id: string, runId: number, change: (entry: UploadEntry) => UploadEntry): UploadsState {
  const entry = state.byId[id];
  if (!entry || entry.runId !== runId) return state;
  return update(state, id, change);
}
