/**
 * The upload screen with the real engine wired in: one uploader (HTTP API +
 * XHR transport, MD5 in workers) with the server's concurrency, and unfinished
 * uploads kept in IndexedDB so they can be resumed after a reload. Its own
 * chunk (live-upload-page.tsx imports it while the config loads), with the
 * engine, the upload feature and the schemas: the page's first script only
 * draws the frame.
 */
import { useMemo } from 'react';
import { CreateUploadResponse, type ClientConfig } from '../../shared/api.js';
import { createHttpApi } from '../engine/http-api.js';
import { localAbortStorage } from '../engine/pending-aborts.js';
import type { UploadSession } from '../engine/types.js';
import { createUploader } from '../engine/uploader.js';
import { createWorkerHasher } from '../engine/worker-hasher.js';
import { createXhrTransport } from '../engine/xhr-transport.js';
import { createIdbUnfinishedStore } from '../features/upload/idb-unfinished-store.js';
import { UploadPage } from '../features/upload/upload-page.js';
import { createWebUploadLocks } from '../features/upload/web-upload-locks.js';

export { parseClientConfig } from './parse-client-config.js';

/** Parts stored faster than this are sent without upload progress events (see UploaderOptions.quietPartMs). */
const QUIET_PART_MS = 2_000;

export function ConfiguredUploadPage({ config }: { config: ClientConfig }) {
  const services = useMemo(() => {
    const api = createHttpApi();
    return {
      uploader: createUploader({
        api,
        transport: createXhrTransport(),
        hasher: createWorkerHasher(),
        concurrency: config.concurrency,
        partIdleTimeoutMs: config.partIdleTimeoutMs,
        pendingAborts: localAbortStorage(localStorage, isSession),
        // A file that fits in one part takes one PutObject, created with others in one call.
        singlePutMaxSize: config.partSize,
        // On a fast link a part is in flight for a moment: its progress events would cost the page more than they show.
        quietPartMs: QUIET_PART_MS,
      }),
      resumable: { store: createIdbUnfinishedStore(), locks: createWebUploadLocks(), api },
    };
  }, [config.concurrency, config.partIdleTimeoutMs, config.partSize]);
  return <UploadPage uploader={services.uploader} limits={config} resumable={services.resumable} />;
}

function isSession(value: unknown): value is UploadSession {
  return CreateUploadResponse.safeParse(value).success;
}
