import { describe, expect, it } from 'vitest';
import { summarize } from './stats.js';

describe('summarize', () => {
  it('gives min, median and max of an odd and an even number of runs', () => {
    expect(summarize([3, 1, 2])).toEqual({ min: 1, median: 2, max: 3, runs: 3 });
    expect(summarize([4, 1, 3, 2])).toEqual({ min: 1, median: 2.5, max: 4, runs: 4 });
  });

  it('refuses an empty run', () => {
    expect(() => summarize([])).toThrow(/no samples/);
  });
});
