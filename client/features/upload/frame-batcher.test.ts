import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FrameBatcher, throttleScheduler, type FrameScheduler } from './frame-batcher.js';

/** A frame clock the test advances by hand. */
class ManualFrames implements FrameScheduler {
  callbacks = new Map<number, () => void>();
  #next = 1;
  request(callback: () => void): number {
    const handle = this.#next++;
    this.callbacks.set(handle, callback);
    return handle;
  }
  cancel(handle: number): void {
    this.callbacks.delete(handle);
  }
  frame(): void {
    const due = [...this.callbacks.values()];
    this.callbacks.clear();
    for (const callback of due) callback();
  }
}

function setup() {
  const frames = new ManualFrames();
  const flushed: Map<string, number>[] = [];
  const batcher = new FrameBatcher<string, number>((batch) => flushed.push(new Map(batch)), frames);
  return { frames, flushed, batcher };
}

describe('FrameBatcher', () => {
  it('delivers only the latest value per key, once per frame', () => {
    const { frames, flushed, batcher } = setup();
    batcher.push('a', 1);
    batcher.push('a', 2);
    batcher.push('b', 7);
    batcher.push('a', 3);
    expect(frames.callbacks.size).toBe(1);
    expect(flushed).toEqual([]);
    frames.frame();
    expect(flushed).toEqual([new Map([['a', 3], ['b', 7]])]);
    frames.frame();
    expect(flushed).toHaveLength(1);
  });

  it('schedules a new frame after a flush', () => {
    const { frames, flushed, batcher } = setup();
    batcher.push('a', 1);
    frames.frame();
    batcher.push('a', 2);
    frames.frame();
    expect(flushed.map((batch) => batch.get('a'))).toEqual([1, 2]);
  });

  it('flushNow delivers at once and cancels the scheduled frame', () => {
    const { frames, flushed, batcher } = setup();
    batcher.push('a', 1);
    batcher.flushNow();
    expect(flushed).toEqual([new Map([['a', 1]])]);
    expect(frames.callbacks.size).toBe(0);
    batcher.flushNow();
    expect(flushed).toHaveLength(1);
  });

  it('discard drops a pending value and dispose drops everything', () => {
    const { frames, flushed, batcher } = setup();
    batcher.push('a', 1);
    batcher.push('b', 2);
    batcher.discard('a');
    frames.frame();
    expect(flushed).toEqual([new Map([['b', 2]])]);
    batcher.push('c', 3);
    batcher.dispose();
    frames.frame();
    expect(flushed).toHaveLength(1);
  });
});

describe('throttleScheduler', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    // The page's window, whose timers the fake clock now drives.
    vi.stubGlobal('window', globalThis);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('ticks after the current task when the last tick is a full interval ago, else when the interval is up', () => {
    const now = () => Date.now();
    const batcher = (ticks: number[]) => new FrameBatcher<string, number>((batch) => ticks.push(batch.get('a')!), throttleScheduler(500, now));
    const ticks: number[] = [];
    const progress = batcher(ticks);
    progress.push('a', 1);
    progress.push('a', 2);
    expect(ticks).toEqual([]);
    vi.advanceTimersByTime(0);
    expect(ticks).toEqual([2]);
    vi.advanceTimersByTime(100);
    progress.push('a', 3);
    vi.advanceTimersByTime(399);
    expect(ticks).toEqual([2]);
    vi.advanceTimersByTime(1);
    expect(ticks).toEqual([2, 3]);
    // A quiet spell: the next value goes out at once.
    vi.advanceTimersByTime(2_000);
    progress.push('a', 4);
    vi.advanceTimersByTime(0);
    expect(ticks).toEqual([2, 3, 4]);
  });
});
