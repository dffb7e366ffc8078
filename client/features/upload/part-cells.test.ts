import { describe, expect, it } from 'vitest';
import type { PartProgress } from '../../engine/types.js';
import { cellAttributes, cellFill, changedIndexes } from './part-cells.js';

const MiB = 1024 * 1024;
const parts: PartProgress[] = Array.from({ length: 250 }, (_, i) => ({ partNumber: i + 1, size: 8 * MiB, sentBytes: 0, state: 'queued' }));

describe('part cells', () => {
  it('finds only the parts that are new objects, up to the cells drawn so far', () => {
    const next = parts.slice();
    next[3] = { ...parts[3]!, sentBytes: MiB, state: 'uploading' };
    next[199] = { ...parts[199]! }; // equal fields, still a new object: redrawn
    next[240] = { ...parts[240]!, state: 'done', sentBytes: 8 * MiB };
    expect(changedIndexes(parts, next, 250)).toEqual([3, 199, 240]);
    expect(changedIndexes(parts, next, 200)).toEqual([3, 199]);
    expect(changedIndexes([], next, 2)).toEqual([0, 1]);
  });

  it("describes a part's progress in bytes and words", () => {
    const part: PartProgress = { partNumber: 7, size: 8 * MiB, sentBytes: 2 * MiB, state: 'uploading' };
    expect(cellAttributes(part)).toEqual({
      'data-state': 'uploading',
      'aria-valuemax': String(8 * MiB),
      'aria-valuenow': String(2 * MiB),
      'aria-valuetext': expect.stringMatching(/^Uploading, 2(\.\d+)? MB of 8(\.\d+)? MB$/),
      title: expect.stringMatching(/^Part 7: uploading, /),
    });
    expect(cellFill(part)).toBe(0.25);
    expect(cellFill({ ...part, size: 0, sentBytes: 0, state: 'done' })).toBe(1);
    expect(cellFill({ ...part, size: 0, sentBytes: 0, state: 'queued' })).toBe(0);
  });
});
