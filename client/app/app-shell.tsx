/** Header and page frame of the app (the UI bench page wears it too). */
import type { ReactNode } from 'react';

export function AppShell({ children }: { children: ReactNode }) {
  return (
    <div className="app">
      <header className="app-header">
        <div className="app-header-inner">
          <span className="app-logo" aria-hidden="true">
            <svg viewBox="0 0 24 24">
              <path d="M12 17V5m0 0-5 5m5-5 5 5M5 20h14" />
            </svg>
          </span>
          <h1 className="app-title">Big upload to S3</h1>
          <p className="app-tagline">Straight from your browser to storage, in resumable parts</p>
        </div>
      </header>
      <main className="app-main">{children}</main>
    </div>
  );
}
