/**
 * Splits an upload in the page into phases from Resource Timing (same clock as
 * the page's performance.now()): before the first part PUT (create, sign), the
 * PUT phase, and the complete call.
 */
import type { Page } from 'playwright';

export interface UploadPhases {
  firstPutStart: number;
  lastPutEnd: number;
  parts: number;
  completeStart: number | null;
  completeEnd: number | null;
}

/** Call before the page loads, so a 10,000-part upload's entries all fit. */
export async function keepAllResourceTimings(page: Page): Promise<void> {
  await page.addInitScript({ content: 'performance.setResourceTimingBufferSize(100000);' });
}

export async function uploadPhases(page: Page): Promise<UploadPhases> {
  return page.evaluate(() => {
    const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    const puts = entries.filter((entry) => entry.name.includes('partNumber=') && entry.name.includes('uploadId='));
    const complete = entries.find((entry) => entry.name.endsWith('/api/uploads/complete'));
    return {
      firstPutStart: Math.min(...puts.map((entry) => entry.startTime)),
      lastPutEnd: Math.max(...puts.map((entry) => entry.responseEnd)),
      parts: puts.length,
      completeStart: complete?.startTime ?? null,
      completeEnd: complete?.responseEnd ?? null,
    };
  });
}
