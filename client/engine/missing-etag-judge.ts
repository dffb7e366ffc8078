/**
 * Tells a part answer whose ETag could not be read because of a passing fault
 * (a proxy or the store dropped the header once: retry) from a bucket whose
 * CORS rules hide the header (every answer lacks it: say so, retrying is
 * useless). Only when no answer of this upload has shown an ETag and the
 * first parts all came back without one is it CORS.
 */

/** Distinct parts that must all lack the ETag before the verdict is CORS (fewer when the file has fewer parts). */
export const CORS_VERDICT_PARTS = 3;
/** Answers without an ETag (over those parts) before the verdict is CORS: a one-part file is asked more than once. */
export const CORS_VERDICT_ANSWERS = 3;

export type MissingEtagVerdict = 'retry' | 'cors';

export class MissingEtagJudge {
  readonly #partsNeeded: number;
  readonly #partsWithout = new Set<number>();
  #answersWithout = 0;
  #sawEtag = false;

  constructor(partCount: number) {
    this.#partsNeeded = Math.max(1, Math.min(CORS_VERDICT_PARTS, partCount));
  }

  /** A part answer showed its ETag: CORS exposes it, so any later missing one is a passing fault. */
  etagRead(): void {
    this.#sawEtag = true;
  }

  /** A 2xx part answer without a readable ETag. */
  etagMissing(partNumber: number): MissingEtagVerdict {
    if (this.#sawEtag) return 'retry';
    this.#partsWithout.add(partNumber);
    this.#answersWithout += 1;
    return this.#partsWithout.size >= this.#partsNeeded && this.#answersWithout >= CORS_VERDICT_ANSWERS ? 'cors' : 'retry';
  }
}
