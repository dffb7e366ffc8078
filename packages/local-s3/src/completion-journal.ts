/**
 * CompleteMultipartUpload moves part files into the object's shard folder as its
 * segments (rename, same filesystem: O(parts), no byte copied). The steps, and what
 * a crash after each leaves for the next start (DiskStore.#load) to find:
 *
 *   1. write uploads/<id>/complete.json (the intent: every part file -> segment name)
 *        crash before it is renamed in: a .tmp file (removed); the upload is untouched.
 *   2. rename each part file to its segment name in the shard folder
 *        crash here: the intent exists and the object sidecar does not list its segments,
 *        so the start moves every segment that arrived back to its part name and drops the
 *        intent: the upload is as it was before Complete (completable or abortable).
 *   3. rename the object sidecar listing the segments in           <- the commit point
 *        crash after: the sidecar lists exactly the intent's segments, so the start removes
 *        the upload folder; the previous version's files are unreferenced and removed.
 *   4. drop upload.json, then the upload folder
 *        upload.json goes first so a half-removed folder is never loaded as an upload
 *        whose parts are gone.
 *
 * Segment files named by an intent count as referenced while the shard is cleaned, so
 * step 2's files survive until the intent is resolved.
 */
import { renameSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { readJsonIfValid, writeJsonAtomicSync } from './json-file.js';
import { CompletionIntentSchema } from './store-model.js';
import type { CompletionIntent, ObjectMeta } from './store-model.js';

const INTENT_FILE = 'complete.json';
/** Renames per event-loop turn in step 2: a 10,000-part Complete must not hold the store's thread for long. */
const RENAMES_PER_TURN = 100;

export function writeIntent(uploadDir: string, intent: CompletionIntent): void {
  writeJsonAtomicSync(join(uploadDir, INTENT_FILE), intent);
}

export function readIntent(uploadDir: string): Promise<CompletionIntent | undefined> {
  return readJsonIfValid(join(uploadDir, INTENT_FILE), CompletionIntentSchema);
}

export function removeIntent(uploadDir: string): Promise<void> {
  return rm(join(uploadDir, INTENT_FILE), { force: true });
}

/** Step 2, in slices of quick renames on the calling thread. On failure, moves back what it moved (best effort) and rethrows. */
export async function moveParts(uploadDir: string, objectDir: string, moves: CompletionIntent['moves']): Promise<void> {
  try {
    for (const [index, move] of moves.entries()) {
      if (index > 0 && index % RENAMES_PER_TURN === 0) await nextTurn();
      renameSync(join(uploadDir, move.from), join(objectDir, move.to));
    }
  } catch (error) {
    await undoMoves(uploadDir, objectDir, moves).catch(() => undefined);
    throw error;
  }
}

/** Moves every segment that exists back to its part name; parts never moved are left alone. */
export async function undoMoves(uploadDir: string, objectDir: string, moves: CompletionIntent['moves']): Promise<void> {
  for (const move of moves) {
    try {
      await rename(join(objectDir, move.to), join(uploadDir, move.from));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

/** True once step 3 happened: the key's sidecar lists exactly the intent's segments. */
export function isCommitted(intent: CompletionIntent, object: ObjectMeta | undefined): boolean {
  if (!object || object.key !== intent.key || object.segments.length !== intent.moves.length) return false;
  return object.segments.every((segment, i) => segment.file === intent.moves[i]?.to);
}
