/**
 * Per-thread CPU and run-queue wait of one process (Linux
 * /proc/<pid>/task/<tid>/schedstat: nanoseconds on a CPU, nanoseconds runnable
 * but waiting for one, and time slices). The wait says how long a thread was
 * ready and not running: on a machine whose cores are all busy, that is where
 * an event loop's latency goes. Off Linux there is nothing to read.
 */
import { readFileSync } from 'node:fs';
import { readThreads } from './process-cpu.js';

export interface ThreadSched {
  name: string;
  cpuSeconds: number;
  waitSeconds: number;
  slices: number;
}

/** Keyed by thread id. */
export type SchedSnapshot = Map<number, ThreadSched>;

export interface ThreadSchedDelta extends ThreadSched {
  tid: number;
  /** The process's first thread (a Node process's main event loop). */
  main: boolean;
}

export class SchedstatFormatError extends Error {
  override name = 'SchedstatFormatError';
}

/** The three numbers of a schedstat line, as seconds and a count. */
export function parseSchedstat(text: string): Omit<ThreadSched, 'name'> {
  const fields = text.trim().split(/\s+/).map(Number);
  const [cpuNs, waitNs, slices] = fields;
  if (fields.length !== 3 || cpuNs === undefined || waitNs === undefined || slices === undefined || fields.some((n) => !Number.isFinite(n))) {
    throw new SchedstatFormatError(`not a schedstat line: ${JSON.stringify(text)}`);
  }
  return { cpuSeconds: cpuNs / 1e9, waitSeconds: waitNs / 1e9, slices };
}

export function snapshotSched(pid: number): SchedSnapshot {
  return readThreads(pid, (taskDir) => parseSchedstat(readFileSync(`${taskDir}/schedstat`, 'utf8')));
}

/** What each thread alive at `after` used since `before` (a thread born in between counts from zero), busiest first. */
export function schedBetween(pid: number, before: SchedSnapshot, after: SchedSnapshot): ThreadSchedDelta[] {
  return [...after]
    .map(([tid, now]) => {
      const then = before.get(tid);
      return {
        tid,
        main: tid === pid,
        name: now.name,
        cpuSeconds: now.cpuSeconds - (then?.cpuSeconds ?? 0),
        waitSeconds: now.waitSeconds - (then?.waitSeconds ?? 0),
        slices: now.slices - (then?.slices ?? 0),
      };
    })
    .sort((a, b) => b.cpuSeconds - a.cpuSeconds);
}
