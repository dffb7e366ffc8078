/**
 * What the UI smoothness case injects into the page (Playwright addInitScript,
 * so it runs before the app and sees every long task from the first one) and
 * what it reads back. Plain strings: tsx would wrap functions in helpers the
 * page does not have.
 */

/** One main-thread task over 50 ms, as PerformanceObserver('longtask') reports it. */
export interface LongTask {
  startMs: number;
  durationMs: number;
}

export interface ObservedWindow {
  /** performance.now() at the window's first and last frame. */
  startMs: number;
  endMs: number;
  frames: number;
  /** Longest gap between two frames inside the window. */
  longestFrameGapMs: number;
  /** Every long task since the page started, not only those in the window. */
  longTasks: LongTask[];
  /** Parts the UI shows as stored, and the overall bar's text, at the window's end. */
  partsDone: number;
  overall: string | null;
}

export const PAGE_PROBE_SCRIPT = `(() => {
  const longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longTasks.push({ startMs: entry.startTime, durationMs: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
  window.__uiBench = {
    observe(windowMs) {
      return new Promise((done) => {
        requestAnimationFrame((startMs) => {
          let frames = 0, last = startMs, longestFrameGapMs = 0;
          const tick = (now) => {
            frames += 1;
            longestFrameGapMs = Math.max(longestFrameGapMs, now - last);
            last = now;
            if (now - startMs < windowMs) return requestAnimationFrame(tick);
            const bar = document.querySelector('[role="progressbar"][aria-label$=" overall"]');
            done({
              startMs, endMs: now, frames, longestFrameGapMs, longTasks: longTasks.slice(),
              partsDone: document.querySelectorAll('.part-cell[data-state="done"]').length,
              overall: bar && bar.getAttribute('aria-valuetext'),
            });
          };
          requestAnimationFrame(tick);
        });
      });
    },
  };
})();`;

/** The expression page.evaluate runs to observe the next windowMs of frames. */
export function observeExpression(windowMs: number): string {
  return `window.__uiBench.observe(${Number(windowMs)})`;
}
