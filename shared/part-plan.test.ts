import { describe, expect, it } from 'vitest';
import { GiB, MiB, S3_MAX_OBJECT_SIZE, S3_MAX_PART_SIZE, S3_MAX_PARTS, S3_MIN_PART_SIZE, TiB } from './limits.js';
import { PartPlanError, partLength, partRange, planParts, planWithPartSize } from './part-plan.js';

describe('planParts', () => {
  it('uses the preferred 8 MiB part size while it fits in 10,000 parts', () => {
    expect(planParts(100 * MiB)).toEqual({ size: 100 * MiB, partSize: 8 * MiB, partCount: 13 });
  });

  it('plans one part for a small file and for an empty one', () => {
    expect(planParts(1)).toMatchObject({ partSize: 8 * MiB, partCount: 1 });
    expect(planParts(0)).toMatchObject({ partCount: 1 });
  });

  it('grows the part size in whole MiB once 8 MiB parts would exceed 10,000', () => {
    const size = 8 * MiB * S3_MAX_PARTS + 1;
    const plan = planParts(size);
    expect(plan.partSize).toBe(9 * MiB);
    expect(plan.partCount).toBeLessThanOrEqual(S3_MAX_PARTS);
  });

  it('fits exactly 10,000 parts at the boundary', () => {
    expect(planParts(8 * MiB * S3_MAX_PARTS)).toMatchObject({ partSize: 8 * MiB, partCount: S3_MAX_PARTS });
  });

  it('plans a 5 TiB object within S3 limits', () => {
    const plan = planParts(S3_MAX_OBJECT_SIZE);
    expect(plan.partCount).toBeLessThanOrEqual(S3_MAX_PARTS);
    expect(plan.partSize).toBeLessThanOrEqual(S3_MAX_PART_SIZE);
    expect(plan.partSize * plan.partCount).toBeGreaterThanOrEqual(5 * TiB);
  });

  it('refuses sizes S3 cannot store and part sizes outside its limits', () => {
    expect(() => planParts(S3_MAX_OBJECT_SIZE + 1)).toThrow(PartPlanError);
    expect(() => planParts(-1)).toThrow(PartPlanError);
    expect(() => planParts(1.5)).toThrow(PartPlanError);
    expect(() => planParts(GiB, S3_MIN_PART_SIZE - 1)).toThrow(PartPlanError);
    expect(() => planParts(GiB, S3_MAX_PART_SIZE + 1)).toThrow(PartPlanError);
  });
});

describe('partRange', () => {
  const plan = planParts(20 * MiB + 3, 8 * MiB);

  it('covers the file with contiguous ranges, the last one short', () => {
    expect(partRange(plan, 1)).toEqual({ start: 0, end: 8 * MiB });
    expect(partRange(plan, 2)).toEqual({ start: 8 * MiB, end: 16 * MiB });
    expect(partRange(plan, 3)).toEqual({ start: 16 * MiB, end: 20 * MiB + 3 });
    expect(partLength(plan, 3)).toBe(4 * MiB + 3);
  });

  it('refuses part numbers outside the plan', () => {
    expect(() => partRange(plan, 0)).toThrow(PartPlanError);
    expect(() => partRange(plan, 4)).toThrow(PartPlanError);
  });
});

describe('planWithPartSize', () => {
  it('counts parts for a part size already chosen, one empty part for an empty file', () => {
    expect(planWithPartSize(25, 10)).toEqual({ size: 25, partSize: 10, partCount: 3 });
    expect(planWithPartSize(0, 10)).toEqual({ size: 0, partSize: 10, partCount: 1 });
    const plan = planParts(123 * MiB);
    expect(planWithPartSize(plan.size, plan.partSize)).toEqual(plan);
  });
});
