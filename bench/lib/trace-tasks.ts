/**
 * Long tasks of a page's main thread from Chromium trace events: wall time
 * (dur), CPU time (tdur) and the events inside each, summed by name.
 */

/** The fields of a Chrome trace event this reads (complete events, ph 'X', and thread names, ph 'M'). */
export interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

export interface LongTask {
  /** ms from the first task on the thread. */
  atMs: number;
  wallMs: number;
  cpuMs: number;
  /** Busiest event names inside the task, with their summed wall time in ms. */
  inside: [string, number][];
}

const TASK = 'RunTask';

/** The renderer main thread that ran the most task time. */
function busiestMainThread(events: readonly TraceEvent[]): { pid: number; tid: number } | undefined {
  const mains = events.filter((event) => event.ph === 'M' && event.name === 'thread_name' && event.args?.name === 'CrRendererMain');
  let best: { pid: number; tid: number; busy: number } | undefined;
  for (const { pid, tid } of mains) {
    const busy = events.filter((event) => event.pid === pid && event.tid === tid && event.name === TASK).reduce((sum, event) => sum + (event.dur ?? 0), 0);
    if (!best || busy > best.busy) best = { pid, tid, busy };
  }
  return best;
}

function describe(task: TraceEvent, onThread: readonly TraceEvent[], start: number): LongTask {
  const byName = new Map<string, number>();
  for (const event of onThread) {
    if (event === task || event.name === TASK || event.ts < task.ts || event.ts + event.dur! > task.ts + task.dur!) continue;
    byName.set(event.name, (byName.get(event.name) ?? 0) + event.dur! / 1000);
  }
  return {
    atMs: (task.ts - start) / 1000,
    wallMs: task.dur! / 1000,
    cpuMs: (task.tdur ?? task.dur!) / 1000,
    inside: [...byName].sort((a, b) => b[1] - a[1]).slice(0, 5),
  };
}

export interface TaskSummary {
  tasks: number;
  busyMs: number;
  cpuMs: number;
  /** Tasks over thresholdMs of wall time, in order. */
  long: LongTask[];
  /** The topCount tasks with the most CPU time, most first: the page's own work, whatever the machine's load. */
  busiest: LongTask[];
}

export function longTasks(events: readonly TraceEvent[], thresholdMs = 50, topCount = 5): TaskSummary {
  const thread = busiestMainThread(events);
  if (!thread) return { tasks: 0, busyMs: 0, cpuMs: 0, long: [], busiest: [] };
  const onThread = events.filter((event) => event.pid === thread.pid && event.tid === thread.tid && event.ph === 'X' && event.dur !== undefined);
  const tasks = onThread.filter((event) => event.name === TASK);
  const start = Math.min(...tasks.map((task) => task.ts));
  const cpu = (task: TraceEvent) => task.tdur ?? task.dur!;
  return {
    tasks: tasks.length,
    busyMs: tasks.reduce((sum, task) => sum + task.dur!, 0) / 1000,
    cpuMs: tasks.reduce((sum, task) => sum + cpu(task), 0) / 1000,
    long: tasks.filter((task) => task.dur! > thresholdMs * 1000).map((task) => describe(task, onThread, start)),
    busiest: [...tasks]
      .sort((a, b) => cpu(b) - cpu(a))
      .slice(0, topCount)
      .map((task) => describe(task, onThread, start)),
  };
}

function line(task: LongTask): string {
  return (
    `- at ${task.atMs.toFixed(0)} ms: ${task.wallMs.toFixed(0)} ms wall, ${task.cpuMs.toFixed(0)} ms CPU — ` +
    task.inside.map(([name, ms]) => `${name} ${ms.toFixed(0)}`).join(', ')
  );
}

export function longTaskReport(events: readonly TraceEvent[], topCount = 5): string {
  const { tasks, busyMs, cpuMs, long, busiest } = longTasks(events, 50, topCount);
  const longestCpu = long.reduce((max, task) => Math.max(max, task.cpuMs), 0);
  return [
    `${tasks} tasks, ${busyMs.toFixed(0)} ms wall and ${cpuMs.toFixed(0)} ms CPU in all; ${long.length} over 50 ms of wall time, the longest of them ${longestCpu.toFixed(0)} ms of CPU`,
    '',
    ...long.map(line),
    '',
    `The ${busiest.length} tasks with the most CPU (wall time on a loaded machine is mostly waiting for a core):`,
    '',
    ...busiest.map(line),
  ].join('\n');
}
