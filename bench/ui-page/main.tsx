/** The UI bench page's entry: the product's shell and styles around BenchUploadPage. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AppShell } from '../../client/app/app-shell.js';
import '../../client/styles/base.css';
import { BenchUploadPage } from './bench-upload-page.js';

const root = document.getElementById('root');
if (!root) throw new Error('index.html must contain <div id="root">');
createRoot(root).render(
  <StrictMode>
    <AppShell>
      <BenchUploadPage />
    </AppShell>
  </StrictMode>,
);
