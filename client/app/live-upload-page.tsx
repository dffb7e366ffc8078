/**
 * Loads the server's config and the upload screen's code side by side, then
 * shows the upload screen (upload-screen.tsx) with that config; says so when
 * the server cannot be reached.
 */
import { startTransition, useEffect, useState, type ComponentType } from 'react';
import type { ClientConfig } from '../../shared/api.js';
import { ConfigLoadError, fetchClientConfig } from './load-config.js';

/**
 * The engine, the upload feature and the schemas are a chunk of their own, fetched while the config
 * loads: the first script (React and this frame) evaluates in one short task and this code in another.
 */
const loadUploadScreen = () => import('./upload-screen.js');

type ConfigState =
  | { kind: 'loading' }
  | { kind: 'ready'; config: ClientConfig; UploadScreen: ComponentType<{ config: ClientConfig }> }
  | { kind: 'failed'; message: string };

export function LiveUploadPage() {
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<ConfigState>({ kind: 'loading' });

  useEffect(() => {
    const controller = new AbortController();
    Promise.all([fetchClientConfig(fetch, controller.signal), loadUploadScreen()])
      .then(([body, screen]) => ({ config: screen.parseClientConfig(body), UploadScreen: screen.ConfiguredUploadPage }))
      .then(
        // A transition: React mounts the upload screen in slices that yield to the page.
        (ready) => startTransition(() => setState({ kind: 'ready', ...ready })),
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
  return <state.UploadScreen config={state.config} />;
}
