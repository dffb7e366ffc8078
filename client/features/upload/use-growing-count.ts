/**
 * How many of a list's items to render now: at least `step` at once, then
 * `step` more per animation frame until all are shown. A drop of 1,000 files
 * mounts its cards over a few frames instead of in one long task.
 */
import { startTransition, useEffect, useState } from 'react';

export function useGrowingCount(total: number, step: number): number {
  const [grown, setGrown] = useState(step);
  const shown = Math.min(total, Math.max(grown, step));
  useEffect(() => {
    if (shown >= total) return;
    // A transition: React mounts the next cards in slices it can interrupt, never in one long task.
    const frame = requestAnimationFrame(() => startTransition(() => setGrown(shown + step)));
    return () => cancelAnimationFrame(frame);
  }, [shown, total, step]);
  return shown;
}
