/**
 * CPU one page's renderer spends, from Chromium itself (CDP Performance
 * metrics), not from /proc: on a shared machine /proc also sees other
 * people's browsers. processSeconds and mainThreadSeconds are CPU time; the
 * split into script, style, layout and the rest of the main thread's tasks
 * (paint, IPC, loading) is Chromium's task durations, wall time, so on a busy
 * machine those grow with everyone else's load.
 */
import type { CDPSession, Page } from 'playwright';

export interface RendererCpu {
  /** The renderer process, all threads (main, compositor, raster, workers). */
  processSeconds: number;
  /** The renderer's main thread. */
  mainThreadSeconds: number;
  scriptSeconds: number;
  styleSeconds: number;
  layoutSeconds: number;
  /** Main-thread task time that is none of the above (paint, hit testing, loading, IPC). */
  otherTaskSeconds: number;
}

const METRICS = {
  processSeconds: 'ProcessTime',
  mainThreadSeconds: 'ThreadTime',
  scriptSeconds: 'ScriptDuration',
  styleSeconds: 'RecalcStyleDuration',
  layoutSeconds: 'LayoutDuration',
  otherTaskSeconds: 'TaskOtherDuration',
} as const satisfies Record<keyof RendererCpu, string>;

async function read(cdp: CDPSession): Promise<RendererCpu> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const byName = new Map(metrics.map((metric) => [metric.name, metric.value]));
  const value = (name: string) => byName.get(name) ?? Number.NaN;
  return {
    processSeconds: value(METRICS.processSeconds),
    mainThreadSeconds: value(METRICS.mainThreadSeconds),
    scriptSeconds: value(METRICS.scriptSeconds),
    styleSeconds: value(METRICS.styleSeconds),
    layoutSeconds: value(METRICS.layoutSeconds),
    otherTaskSeconds: value(METRICS.otherTaskSeconds),
  };
}

export function rendererCpuBetween(before: RendererCpu, after: RendererCpu): RendererCpu {
  const out = { ...after };
  for (const key of Object.keys(METRICS) as (keyof RendererCpu)[]) out[key] = after[key] - before[key];
  return out;
}

export interface RendererCpuMeter {
  /** CPU since the meter was started. */
  stop(): Promise<RendererCpu>;
}

/** Starts counting the renderer CPU of the page's current document (call after navigation). */
export async function startRendererCpu(page: Page): Promise<RendererCpuMeter> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const before = await read(cdp);
  return {
    async stop() {
      const after = await read(cdp);
      await cdp.detach();
      return rendererCpuBetween(before, after);
    },
  };
}

export function formatRendererCpu(cpu: RendererCpu): string {
  const s = (seconds: number) => `${seconds.toFixed(2)} s`;
  return `process ${s(cpu.processSeconds)} · main thread ${s(cpu.mainThreadSeconds)} (script ${s(cpu.scriptSeconds)}, style ${s(cpu.styleSeconds)}, layout ${s(cpu.layoutSeconds)}, other tasks ${s(cpu.otherTaskSeconds)})`;
}
