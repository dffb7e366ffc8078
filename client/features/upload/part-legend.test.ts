import { describe, expect, it } from 'vitest';
import type { PartProgress, PartState } from '../../engine/types.js';
import { legendOf } from './part-legend.js';

const parts = (...states: PartState[]): PartProgress[] => states.map((state, i) => ({ partNumber: i + 1, size: 1, sentBytes: 0, state }));

describe('legendOf', () => {
  it('counts each state in a fixed order and leaves out empty ones', () => {
    expect(legendOf(parts('queued', 'done', 'uploading', 'done', 'failed'), false).map(({ label, count }) => [label, count])).toEqual([
      ['Stored', 2],
      ['Uploading', 1],
      ['Queued', 1],
      ['Failed', 1],
    ]);
  });

  it('counts parts that were in flight as interrupted once stopped', () => {
    expect(legendOf(parts('done', 'uploading', 'signing', 'retrying', 'queued'), true).map(({ label, count }) => [label, count])).toEqual([
      ['Stored', 1],
      ['Queued', 1],
      ['Interrupted', 3],
    ]);
  });
});
