/**
 * The application root. `?demo` (or `?demo=<scenario>`) swaps the real engine
 * for a scripted fake so the UI can be looked at without a server; that code
 * is a separate chunk loaded only then.
 */
import { lazy, Suspense } from 'react';
import { AppShell } from './app-shell.js';
import { LiveUploadPage } from './live-upload-page.js';

const DemoUploadPage = lazy(() => import('../features/upload/demo/demo-upload-page.js').then((m) => ({ default: m.DemoUploadPage })));

export function App({ search = window.location.search }: { search?: string }) {
  const demo = new URLSearchParams(search).get('demo');
  return (
    <AppShell>
      {demo === null ? (
        <LiveUploadPage />
      ) : (
        <Suspense fallback={null}>
          <DemoUploadPage scenario={demo} />
        </Suspense>
      )}
    </AppShell>
  );
}
