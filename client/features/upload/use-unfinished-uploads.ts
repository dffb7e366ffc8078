/**
 * Connects the unfinished uploads found on load to the page: lists them,
 * resumes one from its kept file handle or from a file the person drops or
 * chooses again (only when its fingerprint matches), and discards.
 */
import { useCallback, useEffect, useSyncExternalStore } from 'react';
import { matchFingerprint } from './file-fingerprint.js';
import { readHandle, type PickedFile } from './picked-file.js';
import type { UnfinishedItem, UnfinishedUploads } from './unfinished-uploads.js';
import type { UploadKeeper } from './upload-keeper.js';
import type { FileToUpload, KeptResume } from './use-uploads.js';

export interface UnfinishedControls {
  items: readonly UnfinishedItem[];
  /** Dropped or chosen files: those that match a kept upload resume it; the rest come back to be uploaded as new files. */
  offerFiles(files: readonly PickedFile[]): Promise<FileToUpload[]>;
  /** From the kept handle (asking for read permission) or, failing that, by asking for the file. */
  resume(item: UnfinishedItem): Promise<void>;
  /** The file the person picked for this very upload; refused with a sentence when it is not the same file. */
  offerFileFor(item: UnfinishedItem, picked: PickedFile): Promise<void>;
  discard(item: UnfinishedItem): void;
}

const NO_ITEMS: readonly UnfinishedItem[] = [];
const noSubscription = () => () => undefined;

export function useUnfinishedUploads(
  list: UnfinishedUploads | null,
  keeper: UploadKeeper | null,
  resumeKept: (kept: KeptResume) => void,
): UnfinishedControls {
  const items = useSyncExternalStore(list?.subscribe ?? noSubscription, list?.snapshot ?? (() => NO_ITEMS));

  useEffect(() => {
    if (!list) return undefined;
    void list.load(keeper?.drivenHere()).catch(() => undefined); // no IndexedDB: nothing to resume
    return () => list.dispose();
  }, [list, keeper]);

  const resumeWith = useCallback(
    async (uploadId: string, picked: PickedFile) => {
      const claimed = await list?.claim(uploadId);
      if (claimed) resumeKept({ ...picked, upload: claimed.upload, release: claimed.release });
    },
    [list, resumeKept],
  );

  const offerFiles = useCallback(
    async (files: readonly PickedFile[]) => {
      const fresh: FileToUpload[] = [];
      for (const picked of files) {
        const found = list ? await list.match(picked.file) : null;
        if (!found) {
          fresh.push(picked);
        } else if (found.match.same) {
          await resumeWith(found.item.upload.session.uploadId, picked);
        } else if (found.item.needsFile) {
          // The person was asked for this upload's file and gave another: refuse, with why.
          list?.refuse(found.item.upload.session.uploadId, notTheFile(picked.file.name, found.match.reason));
        } else {
          fresh.push({
            ...picked,
            notice: `Uploaded as a new file, not resumed into the unfinished upload of the same name: ${found.match.reason}.`,
          });
        }
      }
      return fresh;
    },
    [list, resumeWith],
  );

  const offerFileFor = useCallback(
    async (item: UnfinishedItem, picked: PickedFile) => {
      const match = await matchFingerprint(item.upload.fingerprint, picked.file);
      if (match.same) await resumeWith(item.upload.session.uploadId, picked);
      else list?.refuse(item.upload.session.uploadId, notTheFile(picked.file.name, match.reason));
    },
    [list, resumeWith],
  );

  const resume = useCallback(
    async (item: UnfinishedItem) => {
      const { handle, fingerprint, session } = item.upload;
      const file = handle ? await readHandle(handle) : null;
      if (handle && file) {
        const match = await matchFingerprint(fingerprint, file);
        if (match.same) {
          await resumeWith(session.uploadId, { file, handle });
          return;
        }
        list?.refuse(session.uploadId, `The file on disk has changed since this upload started (${match.reason}). Discard this upload and upload the file again.`);
        return;
      }
      list?.askForFile(
        session.uploadId,
        handle
          ? `The browser did not give access to “${fingerprint.name}” again. Choose it, or drop it on this page, to continue.`
          : `Choose “${fingerprint.name}”, or drop it on this page, to continue: the browser cannot reopen it by itself.`,
      );
    },
    [list, resumeWith],
  );

  const discard = useCallback(
    (item: UnfinishedItem) => {
      list?.discard(item.upload.session.uploadId).catch(() => undefined); // the item says it could not be discarded
    },
    [list],
  );

  return { items, offerFiles, resume, offerFileFor, discard };
}

function notTheFile(name: string, reason: string): string {
  return `“${name}” is not the file this upload started from: ${reason}. It was not resumed.`;
}
