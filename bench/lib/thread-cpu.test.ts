import { describe, expect, it } from 'vitest';
import { statCpuSeconds } from './process-cpu.js';
import { rendererGroupOf, rendererWithoutWorkers, threadCpuBetween } from './thread-cpu.js';
import type { ProcessThreads, ThreadSnapshot } from './thread-cpu.js';

function process(kind: ProcessThreads['kind'], totalSeconds: number, threads: [number, string, number][]): ProcessThreads {
  return { kind, totalSeconds, threads: new Map(threads.map(([tid, name, cpuSeconds]) => [tid, { name, cpuSeconds }])) };
}

describe('thread CPU', () => {
  it('reads utime + stime from a stat line whose name holds spaces and parentheses', () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
    const stat = '4242 (DedicatedWorker (x) ) S 1 1 1 0 -1 4194304 10 0 0 0 250 50 0 0 20 0 1 0';
    expect(statCpuSeconds(stat)).toBe(3);
  });

  it('groups renderer threads: the thread whose id is the pid is the main thread', () => {
    expect(rendererGroupOf({ pid: 10, tid: 10, name: 'chromium' })).toBe('main');
    expect(rendererGroupOf({ pid: 10, tid: 11, name: 'Compositor' })).toBe('compositor');
    expect(rendererGroupOf({ pid: 10, tid: 12, name: 'CompositorTileW' })).toBe('raster');
    expect(rendererGroupOf({ pid: 10, tid: 13, name: 'DedicatedWorker' })).toBe('workers');
    expect(rendererGroupOf({ pid: 10, tid: 14, name: 'ThreadPoolForeg' })).toBeUndefined();
  });

  it('counts a renderer born after the first snapshot from its start, puts ended threads in other, and diffs the GPU process', () => {
    const before: ThreadSnapshot = new Map([[20, process('gpu', 5, [[20, 'chromium', 1], [21, 'VizCompositorTh', 4]])]]);
    const after: ThreadSnapshot = new Map([
      [20, process('gpu', 5.5, [[20, 'chromium', 1.1], [21, 'VizCompositorTh', 4.4]])],
      // 0.2 s of its 3 s belonged to a thread that has ended: not listed, still in the total.
      [30, process('renderer', 3, [[30, 'chromium', 1], [31, 'Compositor', 0.2], [32, 'DedicatedWorker', 1.5], [33, 'Chrome_ChildIOT', 0.1]])],
    ]);
    const cpu = threadCpuBetween(before, after)!;
    expect(cpu.gpu).toBeCloseTo(0.5);
    expect(cpu.renderer.main).toBeCloseTo(1);
    expect(cpu.renderer.compositor).toBeCloseTo(0.2);
    expect(cpu.renderer.workers).toBeCloseTo(1.5);
    expect(cpu.renderer.other).toBeCloseTo(0.3);
    expect(rendererWithoutWorkers(cpu)).toBeCloseTo(1.5);
    expect(cpu.byThread[0]).toEqual(['renderer DedicatedWorker', 1.5]);
  });

  it('reports nothing when no process could be read (no /proc)', () => {
    expect(threadCpuBetween(new Map(), new Map())).toBeUndefined();
  });
});
