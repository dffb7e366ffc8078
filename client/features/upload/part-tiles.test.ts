import { describe, expect, it } from 'vitest';
import type { PartProgress } from '../../engine/types.js';
import { sameTileParts } from './part-tiles.js';

const parts: PartProgress[] = Array.from({ length: 250 }, (_, i) => ({ partNumber: i + 1, size: 10, sentBytes: 0, state: 'queued' }));

describe('sameTileParts', () => {
  it('is true when only parts outside the tile were replaced', () => {
    const next = parts.slice();
    next[150] = { ...parts[150]!, sentBytes: 5, state: 'uploading' };
    expect(sameTileParts(parts, next, 0, 100)).toBe(true);
    expect(sameTileParts(parts, next, 200, 100)).toBe(true);
  });

  it('is false when a part inside the tile is a new object, even with equal fields', () => {
    const next = parts.slice();
    next[199] = { ...parts[199]! };
    expect(sameTileParts(parts, next, 100, 100)).toBe(false);
  });

  it('compares the short last tile and notices a changed length', () => {
    expect(sameTileParts(parts, parts.slice(), 200, 100)).toBe(true);
    expect(sameTileParts(parts, parts.slice(0, 240), 200, 100)).toBe(false);
  });
});
