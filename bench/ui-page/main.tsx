/**
 * The UI bench page's entry: the product's shell and styles around BenchUploadPage, which is a
 * chunk of its own like the product's upload screen (client/app/live-upload-page.tsx): React and
 * the frame evaluate in one task, the engine and the upload feature in another.
 */
import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { AppShell } from '../../client/app/app-shell.js';
import '../../client/styles/base.css';

const BenchUploadPage = lazy(() => import('./bench-upload-page.js').then(({ BenchUploadPage }) => ({ default: BenchUploadPage })));

const root = document.getElementById('root');
if (!root) throw new Error('index.html must contain <div id="root">');
createRoot(root).render(
  <StrictMode>
    <AppShell>
      <Suspense>
        <BenchUploadPage />
      </Suspense>
    </AppShell>
  </StrictMode>,
);
