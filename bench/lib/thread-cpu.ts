/**
 * CPU seconds per thread of one Chromium's renderer and GPU processes (Linux
 * /proc/<pid>/task/<tid>/{comm,stat}; the pids from CDP SystemInfo, so other
 * browsers on a shared machine do not count), summed into the groups that say
 * what a page costs: the renderer's main thread, its compositor and raster
 * threads, its dedicated workers (the app's MD5 workers) and the rest, and the
 * GPU process (in headless Chromium it also runs the display compositor, so it
 * grows with every frame the page produces).
 *
 * A process's own total (/proc/<pid>/stat) keeps the CPU of threads that ended,
 * so `other` is that total minus the named groups: a short-lived thread pool
 * worker is still counted, in `other`. Off Linux there is nothing to read.
 */
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright';
import { readThreads, statCpuSeconds } from './process-cpu.js';


export type RendererThreadGroup = 'main' | 'compositor' | 'raster' | 'workers' | 'other';
export const RENDERER_THREAD_GROUPS: readonly RendererThreadGroup[] = ['main', 'compositor', 'raster', 'workers', 'other'];

/** CPU seconds of one process: its total and each live thread's, by thread id. */
export interface ProcessThreads {
  kind: 'renderer' | 'gpu';
  totalSeconds: number;
  threads: Map<number, { name: string; cpuSeconds: number }>;
}

/** Keyed by pid. */
export type ThreadSnapshot = Map<number, ProcessThreads>;

export interface ChromiumThreadCpu {
  renderer: Record<RendererThreadGroup, number>;
  /** The GPU process, all threads (display compositor included). */
  gpu: number;
  /** Each thread name's seconds, renderer and GPU threads apart (`renderer CrRendererMain`), busiest first: for profiles. */
  byThread: [string, number][];
}

/**
 * Which renderer group a thread belongs to, from its name as /proc shows it
 * (cut to 15 characters: `CompositorTileW`, `DedicatedWorker`). The main thread
 * is the one whose id is the pid: Chromium leaves its name (the executable's)
 * alone, so CrRendererMain appears only in traces.
 */
export function rendererGroupOf(thread: { tid: number; pid: number; name: string }): Exclude<RendererThreadGroup, 'other'> | undefined {
  const threadName = thread.name;
  if (thread.tid === thread.pid) return 'main';
  if (threadName === 'Compositor') return 'compositor';
  if (threadName.startsWith('CompositorTile')) return 'raster';
  if (threadName.startsWith('DedicatedWorker')) return 'workers';
  return undefined;
}

function readProcess(pid: number, kind: ProcessThreads['kind']): ProcessThreads | undefined {
  try {
    const totalSeconds = statCpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    // A thread that ended since is left out; the process total keeps its CPU.
    const threads = readThreads(pid, (taskDir) => ({ cpuSeconds: statCpuSeconds(readFileSync(`${taskDir}/stat`, 'utf8')) }));
    return { kind, totalSeconds, threads };
  } catch {
    return undefined; // no /proc (not Linux), or the process is gone
  }
}

interface ProcessInfo {
  type: string;
  id: number;
}

/** Threads of the browser's renderer and GPU processes now. */
export async function snapshotThreads(browser: Browser): Promise<ThreadSnapshot> {
  const cdp = await browser.newBrowserCDPSession();
  let processInfo: ProcessInfo[];
  try {
    ({ processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: ProcessInfo[] });
  } finally {
    await cdp.detach();
  }
  const out: ThreadSnapshot = new Map();
  for (const { type, id } of processInfo) {
    // CDP says 'GPU' where the command line says --type=gpu-process.
    const kind = type === 'renderer' ? 'renderer' : type === 'GPU' || type === 'gpu-process' ? 'gpu' : undefined;
    if (kind === undefined) continue;
    const threads = readProcess(id, kind);
    if (threads) out.set(id, threads);
  }
  return out;
}

/**
 * CPU between two snapshots, summed over every renderer of the browser (a page's
 * renderer started after `before` counts from its start; idle spare renderers
 * add nothing) and its GPU process; undefined when /proc could not be read.
 */
export function threadCpuBetween(before: ThreadSnapshot, after: ThreadSnapshot): ChromiumThreadCpu | undefined {
  if (after.size === 0) return undefined;
  const renderer: Record<RendererThreadGroup, number> = { main: 0, compositor: 0, raster: 0, workers: 0, other: 0 };
  const byThread = new Map<string, number>();
  let gpu = 0;
  for (const [pid, process] of after) {
    const earlier = before.get(pid);
    const total = process.totalSeconds - (earlier?.totalSeconds ?? 0);
    let named = 0;
    for (const [tid, thread] of process.threads) {
      const spent = thread.cpuSeconds - (earlier?.threads.get(tid)?.cpuSeconds ?? 0);
      const key = `${process.kind} ${tid === pid ? 'main thread' : thread.name}`;
      byThread.set(key, (byThread.get(key) ?? 0) + spent);
      if (process.kind !== 'renderer') continue;
      const group = rendererGroupOf({ tid, pid, name: thread.name });
      if (group === undefined) continue;
      renderer[group] += spent;
      named += spent;
    }
    if (process.kind === 'gpu') gpu += total;
    else renderer.other += total - named;
  }
  return { renderer, gpu, byThread: [...byThread].filter(([, seconds]) => seconds > 0).sort((a, b) => b[1] - a[1]) };
}

/** The renderer's CPU without its dedicated workers: what drawing and driving the page cost, hashing aside. */
export function rendererWithoutWorkers(cpu: ChromiumThreadCpu): number {
  return RENDERER_THREAD_GROUPS.filter((group) => group !== 'workers').reduce((sum, group) => sum + cpu.renderer[group], 0);
}
