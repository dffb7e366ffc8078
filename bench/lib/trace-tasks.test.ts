import { describe, expect, it } from 'vitest';
import { longTaskReport, longTasks, type TraceEvent } from './trace-tasks.js';

const thread = (pid: number, tid: number, name: string): TraceEvent => ({ name: 'thread_name', ph: 'M', pid, tid, ts: 0, args: { name } });
const task = (pid: number, tid: number, ts: number, dur: number, tdur: number): TraceEvent => ({ name: 'RunTask', ph: 'X', pid, tid, ts, dur, tdur });
const inside = (pid: number, tid: number, name: string, ts: number, dur: number): TraceEvent => ({ name, ph: 'X', pid, tid, ts, dur });

describe('trace long tasks', () => {
  it("reports the busiest renderer main thread's tasks over 50 ms with their CPU time and contents", () => {
    const events: TraceEvent[] = [
      thread(1, 10, 'CrRendererMain'), // an idle other page
      task(1, 10, 0, 60_000, 60_000),
      thread(2, 20, 'CrRendererMain'),
      thread(2, 21, 'Compositor'),
      task(2, 21, 0, 900_000, 900_000), // not a main thread
      task(2, 20, 1_000, 10_000, 9_000),
      task(2, 20, 100_000, 120_000, 30_000),
      inside(2, 20, 'FunctionCall', 100_500, 70_000),
      inside(2, 20, 'Layout', 171_000, 20_000),
      inside(2, 20, 'Layout', 195_000, 5_000),
      inside(2, 20, 'Paint', 300_000, 5_000), // after the task
      task(2, 20, 250_000, 40_000, 40_000),
    ];
    const report = longTasks(events);
    expect(report.tasks).toBe(3);
    expect(report.busyMs).toBe(170);
    expect(report.cpuMs).toBe(79);
    expect(report.long).toEqual([
      {
        atMs: 99,
        wallMs: 120,
        cpuMs: 30,
        inside: [
          ['FunctionCall', 70],
          ['Layout', 25],
        ],
      },
    ]);
    expect(report.busiest.map((found) => [found.atMs, found.cpuMs])).toEqual([
      [249, 40],
      [99, 30],
      [0, 9],
    ]);
    expect(longTasks(events, 50, 1).busiest).toHaveLength(1);
    const text = longTaskReport(events, 2);
    expect(text).toContain('1 over 50 ms of wall time, the longest of them 30 ms of CPU');
    expect(text).toContain('The 2 tasks with the most CPU');
    expect(text).toContain('- at 249 ms: 40 ms wall, 40 ms CPU — ');
  });

  it('reports nothing without a renderer main thread', () => {
    expect(longTasks([task(1, 1, 0, 90_000, 90_000)])).toEqual({ tasks: 0, busyMs: 0, cpuMs: 0, long: [], busiest: [] });
  });
});
