/**
 * The upload list as data: one entry per chosen file, keyed by id, changed only
 * by this reducer. Every engine event carries the run it belongs to, so events
 * from a paused, cancelled or superseded run can never overwrite a newer one.
 */
import type { UploadProgress, UploadResult, UploadSession, UploadWait } from '../../engine/types.js';

export type UploadStatus = 'preparing' | 'uploading' | 'paused' | 'completing' | 'done' | 'failed' | 'cancelled';

/**
 * After Cancel, what became of the parts the upload had stored: being removed (retried while the store does not
 * answer), removed, or left for the server's janitor (the abort was refused or the upload's token expired).
 */
export type StoreCleanup = 'removing' | 'removed' | 'left';

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
  /** Set by Cancel when a multipart upload existed on the store; null otherwise. */
  readonly cleanup: StoreCleanup | null;
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
  /** The abort of a cancelled upload settled: the store let go of its parts, or it never will from here. */
  | { type: 'cleanedUp'; id: string; outcome: Exclude<StoreCleanup, 'removing'> }
  | { type: 'removed'; id: string }
  /** Entry actions of one task, applied with one copy of the entries. */
  | { type: 'batch'; actions: readonly EntryAction[] };

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
    case 'removed': {
      if (!state.byId[action.id]) return state;
      const byId = { ...state.byId };
      delete byId[action.id];
      return { order: state.order.filter((id) => id !== action.id), byId };
    }
    case 'batch':
      return applyBatch(state, action.actions);
    default:
      return applyBatch(state, [action]);
  }
}

/** An action that changes entries already listed, never the list itself. */
export type EntryAction = Exclude<UploadsAction, { type: 'added' | 'refused' | 'filesAdded' | 'removed' | 'batch' }>;

/**
 * Applies entry actions in order with one copy of the entries for all of them: a drop of 1,000 files
 * reports many events in one task, and a copy per event made that quadratic.
 */
function applyBatch(state: UploadsState, actions: readonly EntryAction[]): UploadsState {
  let byId: Record<string, UploadEntry> | null = null;
  const apply = (id: string, change: (entry: UploadEntry) => UploadEntry) => {
    const entry = (byId ?? state.byId)[id];
    if (!entry) return;
    const next = change(entry);
    if (next === entry) return;
    byId ??= { ...state.byId };
    byId[id] = next;
  };
  for (const action of actions) {
    if (action.type === 'progressed') for (const update of action.updates) apply(update.id, (entry) => progressEntry(entry, update));
    else apply(action.id, (entry) => changeEntry(entry, action));
  }
  return byId === null ? state : { order: state.order, byId };
}

type ProgressUpdate = Extract<UploadsAction, { type: 'progressed' }>['updates'][number];

function progressEntry(entry: UploadEntry, { runId, progress }: ProgressUpdate): UploadEntry {
  if (entry.runId !== runId || entry.status === 'paused' || entry.status === 'cancelled') return entry;
  return { ...entry, progress, status: allPartsDone(progress) ? 'completing' : 'uploading' };
}

/** One entry after an action addressed to it; the same object when nothing changes. */
function changeEntry(entry: UploadEntry, action: Exclude<EntryAction, { type: 'progressed' }>): UploadEntry {
  // Pause and Cancel keep runId: the run's late events are still recognised (a completed object is shown as done).
  switch (action.type) {
    case 'started':
      return {
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
      };
    case 'paused':
      return isActive(entry.status) ? { ...entry, status: 'paused', waitingFor: null } : entry;
    case 'cancelled': {
      if (!isActive(entry.status) && entry.status !== 'paused') return entry;
      // A single PUT stores nothing until it is whole: there is nothing to remove.
      const cleanup = entry.session !== null && !entry.session.single ? 'removing' : null;
      return { ...entry, status: 'cancelled', session: null, waitingFor: null, cleanup };
    }
    case 'cleanedUp':
      if (entry.status !== 'cancelled' || entry.cleanup !== 'removing') return entry;
      // Removed: no part map claims parts the store no longer has.
      return { ...entry, cleanup: action.outcome, progress: action.outcome === 'removed' ? null : entry.progress };
  }
  // The rest are engine events: applied only when they belong to the entry's current run.
  if (entry.runId !== action.runId) return entry;
  switch (action.type) {
    case 'session':
      return { ...entry, session: action.session };
    case 'noticed':
      return { ...entry, notice: action.notice };
    case 'waited':
      return entry.waitingFor === action.wait ? entry : { ...entry, waitingFor: action.wait };
    case 'succeeded':
      // Accepted even after Pause or Cancel was pressed: if the store completed the object, say so.
      return { ...entry, runId: null, status: 'done', result: action.result, errorMessage: null, waitingFor: null };
    case 'failed':
      // A run stopped on purpose may still reject with a late error; the person's choice stands.
      return entry.status === 'paused' || entry.status === 'cancelled'
        ? entry
        : { ...entry, runId: null, status: 'failed', errorMessage: action.message, retryable: true, waitingFor: null };
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
      cleanup: null,
    };
    order.push(added.id);
  }
  return order.length === state.order.length ? state : { order, byId };
}

function allPartsDone(progress: UploadProgress): boolean {
  return progress.parts.length > 0 && progress.parts.every((part) => part.state === 'done');
}
