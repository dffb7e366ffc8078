import { describe, expect, it } from 'vitest';
import { planParts } from '../shared/part-plan.js';
import { EtagMismatchError, MissingPartsError, PartOutOfRangeError, SizeMismatchError, listNumbers } from './errors.js';
import { orderDeclaredParts, verifyStoredParts } from './verify-parts.js';

const MiB = 1024 * 1024;
const plan = planParts(10 * MiB + 7, 5 * MiB); // 3 parts: 5 MiB, 5 MiB, 7 bytes
const stored = [
  { partNumber: 1, size: 5 * MiB, etag: '"a1"' },
  { partNumber: 2, size: 5 * MiB, etag: '"b2"' },
  { partNumber: 3, size: 7, etag: '"c3"' },
];
const declared = [
  { partNumber: 3, etag: 'c3' },
  { partNumber: 1, etag: '"A1"' },
  { partNumber: 2, etag: '"b2"' },
];

describe('orderDeclaredParts', () => {
  it('sorts parts given in any order', () => {
    expect(orderDeclaredParts(declared, plan).map((p) => p.partNumber)).toEqual([1, 2, 3]);
  });

  it('names missing and repeated parts', () => {
    expect(() => orderDeclaredParts([{ partNumber: 2, etag: 'x' }], plan)).toThrow(new MissingPartsError('complete needs every part 1..3 exactly once: missing part(s) 1, 3'));
    expect(() => orderDeclaredParts([...declared, { partNumber: 2, etag: 'x' }], plan)).toThrow(/listed more than once: 2/);
  });

  it('refuses parts beyond the plan', () => {
    expect(() => orderDeclaredParts([...declared, { partNumber: 4, etag: 'x' }], plan)).toThrow(PartOutOfRangeError);
  });
});

describe('verifyStoredParts', () => {
  const ordered = orderDeclaredParts(declared, plan);

  it('returns the stored parts when sizes and ETags match (ignoring quotes and case)', () => {
    expect(verifyStoredParts(ordered, stored, plan)).toEqual(stored);
  });

  it('names parts that are not stored', () => {
    expect(() => verifyStoredParts(ordered, stored.slice(0, 2), plan)).toThrow(new MissingPartsError('part(s) 3 are not stored; upload them first'));
  });

  it('refuses a stored part of the wrong size', () => {
    const short = stored.map((p) => (p.partNumber === 2 ? { ...p, size: 5 * MiB - 1 } : p));
    expect(() => verifyStoredParts(ordered, short, plan)).toThrow(SizeMismatchError);
    expect(() => verifyStoredParts(ordered, short, plan)).toThrow(/part 2 is 5242879 bytes, expected 5242880/);
  });

  it('refuses a wrong ETag', () => {
    const wrong = ordered.map((p) => (p.partNumber === 2 ? { ...p, etag: '"zz"' } : p));
    expect(() => verifyStoredParts(wrong, stored, plan)).toThrow(EtagMismatchError);
    expect(() => verifyStoredParts(wrong, stored, plan)).toThrow(/ETag of part\(s\) 2 does not match/);
  });
});

describe('helpers', () => {
  it('shortens long number lists', () => {
    expect(listNumbers([1, 2, 3], 2)).toBe('1, 2, … (3 in all)');
  });
});
