/** The application root: the shell around the live upload page. */
import { AppShell } from './app-shell.js';
import { LiveUploadPage } from './live-upload-page.js';

export function App() {
  return (
    <AppShell>
      <LiveUploadPage />
    </AppShell>
  );
}
