import { describe, expect, it } from 'vitest';
import { parseSchedstat, SchedstatFormatError, schedBetween, snapshotSched } from './thread-sched.js';

describe('parseSchedstat', () => {
  it('reads nanoseconds on a CPU, nanoseconds waiting for one, and slices', () => {
    expect(parseSchedstat('1500000000 250000000 42\n')).toEqual({ cpuSeconds: 1.5, waitSeconds: 0.25, slices: 42 });
  });

  it('refuses a line that is not three numbers', () => {
    expect(() => parseSchedstat('1 2')).toThrow(SchedstatFormatError);
    expect(() => parseSchedstat('1 two 3')).toThrow(SchedstatFormatError);
  });
});

describe('schedBetween', () => {
  it('subtracts per thread, counts a new thread from zero, marks the main thread, busiest first', () => {
    const before = new Map([[10, { name: 'node', cpuSeconds: 1, waitSeconds: 0.5, slices: 10 }]]);
    const after = new Map([
      [10, { name: 'node', cpuSeconds: 1.5, waitSeconds: 0.75, slices: 15 }],
      [11, { name: 'worker', cpuSeconds: 2, waitSeconds: 1, slices: 7 }],
    ]);
    expect(schedBetween(10, before, after)).toEqual([
      { tid: 11, main: false, name: 'worker', cpuSeconds: 2, waitSeconds: 1, slices: 7 },
      { tid: 10, main: true, name: 'node', cpuSeconds: 0.5, waitSeconds: 0.25, slices: 5 },
    ]);
  });
});

describe.runIf(process.platform === 'linux')('snapshotSched', () => {
  it("reads this process's threads, its main thread among them", () => {
    const snapshot = snapshotSched(process.pid);
    expect(snapshot.get(process.pid)?.cpuSeconds).toBeGreaterThan(0);
  });
});
