import { describe, expect, it } from 'vitest';
import { sliceSegments } from './segment-slices.js';

const segments = [
  { path: 'a', size: 10 },
  { path: 'empty', size: 0 },
  { path: 'b', size: 5 },
  { path: 'c', size: 3 },
];

describe('sliceSegments', () => {
  it('covers the whole object in order, skipping empty segments', () => {
    expect(sliceSegments(segments, 0, 17)).toEqual([
      { path: 'a', start: 0, end: 9 },
      { path: 'b', start: 0, end: 4 },
      { path: 'c', start: 0, end: 2 },
    ]);
  });

  it('maps a range across boundaries to offsets inside each segment', () => {
    expect(sliceSegments(segments, 8, 15)).toEqual([
      { path: 'a', start: 8, end: 9 },
      { path: 'b', start: 0, end: 4 },
      { path: 'c', start: 0, end: 0 },
    ]);
  });

  it('a range on a boundary touches one segment only', () => {
    expect(sliceSegments(segments, 10, 14)).toEqual([{ path: 'b', start: 0, end: 4 }]);
    expect(sliceSegments(segments, 9, 9)).toEqual([{ path: 'a', start: 9, end: 9 }]);
    expect(sliceSegments(segments, 15, 15)).toEqual([{ path: 'c', start: 0, end: 0 }]);
  });
});
