/**
 * The application root. `?demo` (or `?demo=<scenario>`) swaps the real engine
 * for a scripted fake so the UI can be looked at without a server; that code
 * is a separate chunk loaded only then. `?bench=ui` loads the benchmark
 * harness (client/bench) the same way.
 */
import { lazy, Suspense } from 'react';
import { AppShell } from './app-shell.js';
import { LiveUploadPage } from './live-upload-page.js';

const DemoUploadPage = lazy(() => import('../features/upload/demo/demo-upload-page.js').then((m) => ({ default: m.DemoUploadPage })));
const BenchUploadPage = lazy(() => import('../bench/bench-upload-page.js').then((m) => ({ default: m.BenchUploadPage })));

export function App({ search = window.location.search }: { search?: string }) {
  const params = new URLSearchParams(search);
  const demo = params.get('demo');
  if (params.get('bench') === 'ui') {
    return (
      <AppShell>
        <Suspense fallback={null}>
          <BenchUploadPage search={search} />
        </Suspense>
      </AppShell>
    );
  }
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
