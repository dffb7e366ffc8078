import { useEffect } from 'react';

/**
 * Asks the browser to confirm leaving the page while uploads are unfinished:
 * closing the tab stops them, and a paused upload cannot be resumed from
 * another page (its parts wait for the janitor).
 */
export function useLeaveWarning(unfinished: boolean): void {
  useEffect(() => {
    if (!unfinished) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = ''; // Chromium before 119 and Safari still need it
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [unfinished]);
}
