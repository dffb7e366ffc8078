import { DEFAULT_PART_SIZE, MiB, S3_MAX_OBJECT_SIZE, S3_MAX_PART_SIZE, S3_MAX_PARTS, S3_MIN_PART_SIZE } from './limits.js';

export interface PartPlan {
  readonly size: number;
  readonly partSize: number;
  readonly partCount: number;
}

export class PartPlanError extends Error {
  override name = 'PartPlanError';
}

/**
 * Chooses a part size within S3's limits: the preferred size when it fits in
 * 10,000 parts, otherwise the smallest whole MiB that does.
 */
export function planParts(size: number, preferredPartSize: number = DEFAULT_PART_SIZE): PartPlan {
  if (!Number.isSafeInteger(size) || size < 0) throw new PartPlanError(`size must be a whole number of bytes, got ${size}`);
  if (size > S3_MAX_OBJECT_SIZE) throw new PartPlanError(`size ${size} exceeds S3's object limit of ${S3_MAX_OBJECT_SIZE} bytes`);
  if (!Number.isSafeInteger(preferredPartSize) || preferredPartSize < S3_MIN_PART_SIZE || preferredPartSize > S3_MAX_PART_SIZE) {
    throw new PartPlanError(`part size must be between ${S3_MIN_PART_SIZE} and ${S3_MAX_PART_SIZE} bytes, got ${preferredPartSize}`);
  }
  const needed = Math.ceil(size / S3_MAX_PARTS / MiB) * MiB;
  return planWithPartSize(size, Math.min(S3_MAX_PART_SIZE, Math.max(preferredPartSize, needed)));
}

/** The plan of an upload whose part size is already chosen (by planParts, when it was created). */
export function planWithPartSize(size: number, partSize: number): PartPlan {
  // An empty file is still one (empty) part: S3 completes a zero-byte multipart upload with one part.
  return { size, partSize, partCount: Math.max(1, Math.ceil(size / partSize)) };
}

/** Byte range [start, end) of a 1-based part number. */
export function partRange(plan: PartPlan, partNumber: number): { start: number; end: number } {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > plan.partCount) {
    throw new PartPlanError(`part number must be between 1 and ${plan.partCount}, got ${partNumber}`);
  }
  const start = (partNumber - 1) * plan.partSize;
  return { start, end: Math.min(plan.size, start + plan.partSize) };
}

export function partLength(plan: PartPlan, partNumber: number): number {
  const { start, end } = partRange(plan, partNumber);
  return end - start;
}
