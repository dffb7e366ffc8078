/**
 * Upload locks over navigator.locks: a lock per upload id, shared by every tab
 * of the origin and released by the browser when a tab closes or crashes.
 */
import { noUploadLocks, type UploadLocks } from './upload-locks.js';

const PREFIX = 's3-big-upload:';

export function createWebUploadLocks(locks: LockManager | undefined = globalThis.navigator?.locks): UploadLocks {
  if (locks === undefined) return noUploadLocks;
  return {
    tryHold(uploadId) {
      return new Promise((resolve, reject) => {
        locks
          .request(PREFIX + uploadId, { ifAvailable: true }, (lock) => {
            if (lock === null) {
              resolve(null);
              return undefined;
            }
            // The lock is held until this promise settles.
            return new Promise<void>((release) => resolve(() => release()));
          })
          .catch(reject);
      });
    },
    async heldOf(uploadIds) {
      const { held = [] } = await locks.query();
      const names = new Set(held.map((lock) => lock.name));
      return new Set(uploadIds.filter((id) => names.has(PREFIX + id)));
    },
    async whenFree(uploadId, signal) {
      await locks.request(PREFIX + uploadId, { signal }, () => undefined);
    },
  };
}
