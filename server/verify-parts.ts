/**
 * Checks a complete request against the plan and what the store holds, before
 * CompleteMultipartUpload turns a wrong upload into a wrong object.
 */
import type { StoredPart } from '../shared/api.js';
import { sameEtag } from '../shared/checksum.js';
import type { PartPlan } from '../shared/part-plan.js';
import { partLength } from '../shared/part-plan.js';
import { EtagMismatchError, MissingPartsError, PartOutOfRangeError, SizeMismatchError, listNumbers } from './errors.js';

export interface DeclaredPart {
  partNumber: number;
  etag: string;
}


export function partsBeyondPlan(partNumbers: readonly number[], plan: PartPlan): number[] {
  return partNumbers.filter((n) => n > plan.partCount);
}

/** Sorted by part number; every part 1..N exactly once, else PartOutOfRangeError or MissingPartsError. */
export function orderDeclaredParts(declared: readonly DeclaredPart[], plan: PartPlan): DeclaredPart[] {
  const beyond = partsBeyondPlan(declared.map((p) => p.partNumber), plan);
  if (beyond.length > 0) throw new PartOutOfRangeError(beyond, plan.partCount);
  const sorted = [...declared].sort((a, b) => a.partNumber - b.partNumber);
  const duplicates = sorted.filter((p, i) => i > 0 && sorted[i - 1]?.partNumber === p.partNumber).map((p) => p.partNumber);
  const seen = new Set(sorted.map((p) => p.partNumber));
  const missing: number[] = [];
  for (let n = 1; n <= plan.partCount; n++) if (!seen.has(n)) missing.push(n);
  if (missing.length > 0 || duplicates.length > 0) {
    const problems = [
      ...(missing.length > 0 ? [`missing part(s) ${listNumbers(missing)}`] : []),
      ...(duplicates.length > 0 ? [`part(s) listed more than once: ${listNumbers([...new Set(duplicates)])}`] : []),
    ];
    throw new MissingPartsError(`complete needs every part 1..${plan.partCount} exactly once: ${problems.join('; ')}`);
  }
  return sorted;
}

/** Every declared part is stored with the planned size and the declared ETag; returns the stored parts in order. */
export function verifyStoredParts(ordered: readonly DeclaredPart[], stored: readonly StoredPart[], plan: PartPlan): StoredPart[] {
  const byNumber = new Map(stored.map((p) => [p.partNumber, p]));
  const notStored = ordered.filter((p) => !byNumber.has(p.partNumber)).map((p) => p.partNumber);
  if (notStored.length > 0) throw new MissingPartsError(`part(s) ${listNumbers(notStored)} are not stored; upload them first`);
  const result: StoredPart[] = [];
  const wrongSize: string[] = [];
  const wrongEtag: number[] = [];
  let total = 0;
  for (const declared of ordered) {
    const part = byNumber.get(declared.partNumber);
    if (part === undefined) continue;
    const expected = partLength(plan, declared.partNumber);
    if (part.size !== expected) wrongSize.push(`part ${part.partNumber} is ${part.size} bytes, expected ${expected}`);
    if (!sameEtag(part.etag, declared.etag)) wrongEtag.push(part.partNumber);
    total += part.size;
    result.push(part);
  }
  if (wrongSize.length > 0 || total !== plan.size) {
    throw new SizeMismatchError(`stored parts add up to ${total} bytes, declared size is ${plan.size}${wrongSize.length > 0 ? `: ${wrongSize.slice(0, 10).join('; ')}` : ''}`);
  }
  if (wrongEtag.length > 0) throw new EtagMismatchError(wrongEtag);
  return result;
}
