/**
 * Wires the real engine: loads the server's config, then creates one uploader
 * (HTTP API + XHR transport) with the server's concurrency, and keeps
 * unfinished uploads in IndexedDB so they can be resumed after a reload.
 */
import { useEffect, useMemo, useState } from 'react';
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
import { ConfigLoadError, loadClientConfig } from './load-config.js';

type ConfigState = { kind: 'loading' } | { kind: 'ready'; config: ClientConfig } | { kind: 'failed'; message: string };

export function LiveUploadPage() {
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<ConfigState>({ kind: 'loading' });

  useEffect(() => {
    const controller = new AbortController();
    loadClientConfig(fetch, controller.signal).then(
      (config) => setState({ kind: 'ready', config }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        const message = error instanceof ConfigLoadError ? error.message : 'The upload server could not be reached. Try again in a moment.';
        setState({ kind: 'failed', message });
      },
    );
    return () => controller.abort();
  }, [attempt]);

  if (state.kind === 'loading') {
    return (
      <div className="app-notice" role="status">
        Connecting to the upload server…
      </div>
    );
  }
  if (state.kind === 'failed') {
    return (
      <div className="app-notice" data-tone="error" role="alert">
        <p>{state.message}</p>
        <button
          type="button"
          className="button"
          onClick={() => {
            setState({ kind: 'loading' });
            setAttempt((n) => n + 1);
          }}
        >
          Try again
        </button>
      </div>
    );
  }
  return <ConfiguredUploadPage config={state.config} />;
}

function ConfiguredUploadPage({ config }: { config: ClientConfig }) {
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
      }),
      resumable: { store: createIdbUnfinishedStore(), locks: createWebUploadLocks(), api },
    };
  }, [config.concurrency, config.partIdleTimeoutMs, config.partSize]);
  return <UploadPage uploader={services.uploader} limits={config} resumable={services.resumable} />;
}

function isSession(value: unknown): value is UploadSession {
  return CreateUploadResponse.safeParse(value).success;
}
