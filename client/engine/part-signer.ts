/**
 * Presigned part URLs for one upload, signed ahead in batches so that a part
 * never waits for a signing round trip once the upload is running, and
 * re-signed when a URL has expired or is about to.
 */
import { MAX_SIGN_BATCH } from '../../shared/limits.js';
import type { SignedPart } from '../../shared/api.js';
import { UploadError } from './errors.js';
import type { Clock } from './types.js';

/** A URL this close to expiry is re-signed before an attempt: a part PUT may take this long to start and finish its headers. */
export const EXPIRY_MARGIN_MS = 30_000;

export interface PartSignerOptions {
  /** Signs up to MAX_SIGN_BATCH parts (with API retries). */
  sign: (partNumbers: readonly number[]) => Promise<SignedPart[]>;
  clock: Clock;
  /** Part numbers to send, in the order they will start. */
  order: readonly number[];
  /** How many of `order` have started. */
  started: () => number;
  /** Sign the next batch when fewer signed URLs than this are waiting for their part to start. */
  lowWater: number;
  /**
   * Whether a part can be signed without waiting (its MD5 is known); default
   * always. Signing ahead takes only the ready parts at the cursor, and waits
   * until `minBatch` of them are (or all that are left), so MD5s that trickle
   * in do not become one sign call each.
   */
  ready?: (partNumber: number) => boolean;
  minBatch?: number;
}

export class PartSigner {
  readonly #options: PartSignerOptions;
  readonly #signed = new Map<number, SignedPart>();
  readonly #inFlight = new Map<number, Promise<void>>();
  /** Index in `order` of the next part to sign ahead. */
  #aheadCursor = 0;

  constructor(options: PartSignerOptions) {
    this.#options = options;
  }

  /** A URL valid for at least EXPIRY_MARGIN_MS, signing (or re-signing once) when needed; tops up the sign-ahead. */
  async get(partNumber: number): Promise<SignedPart> {
    this.signAhead();
    const pending = this.#inFlight.get(partNumber);
    if (pending) await pending;
    const cached = this.#signed.get(partNumber);
    if (cached && this.#isFresh(cached)) return cached;
    await this.#signBatch([partNumber]);
    const signed = this.#signed.get(partNumber);
    // A freshly signed URL that already looks stale means clock skew: use it and let S3 decide.
    if (!signed) throw new UploadError(`the server did not sign part ${partNumber}`);
    return signed;
  }

  /** Takes URLs signed elsewhere (a single PUT's, from create); signing ahead skips them. */
  seed(parts: readonly SignedPart[]): void {
    for (const part of parts) this.#signed.set(part.partNumber, part);
    const { order } = this.#options;
    while (this.#aheadCursor < order.length && this.#signed.has(order[this.#aheadCursor] ?? 0)) this.#aheadCursor += 1;
  }

  /** Whether a URL for this part is ready without a round trip. */
  has(partNumber: number): boolean {
    const cached = this.#signed.get(partNumber);
    return cached !== undefined && this.#isFresh(cached);
  }

  /** Drops a URL the store refused as expired. */
  invalidate(partNumber: number): void {
    this.#signed.delete(partNumber);
  }

  /** Forgets a stored part's URL. */
  release(partNumber: number): void {
    this.#signed.delete(partNumber);
  }

  /** Starts signing the next batch when the signed-but-not-started URLs run low. */
  signAhead(): void {
    const { order, started, lowWater } = this.#options;
    const startedCount = started();
    if (this.#aheadCursor < startedCount) this.#aheadCursor = startedCount;
    if (this.#aheadCursor >= order.length || this.#aheadCursor - startedCount >= lowWater) return;
    const batch = this.#readyBatch();
    if (batch.length === 0) return;
    this.#aheadCursor += batch.length;
    // Failures reach the parts that await this batch in get(); nobody else needs them.
    this.#signBatch(batch).catch(() => undefined);
  }

  /** Parts at the cursor that are ready, up to MAX_SIGN_BATCH; empty while fewer than minBatch are. */
  #readyBatch(): number[] {
    const { order, ready, minBatch = 1 } = this.#options;
    const start = this.#aheadCursor;
    const end = Math.min(order.length, start + MAX_SIGN_BATCH);
    let readyEnd = start;
    if (!ready) readyEnd = end;
    else while (readyEnd < end && ready(order[readyEnd] ?? 0)) readyEnd += 1;
    return readyEnd - start >= Math.min(minBatch, end - start) ? order.slice(start, readyEnd) : [];
  }

  #isFresh(signed: SignedPart): boolean {
    return signed.expiresAt - this.#options.clock.now() > EXPIRY_MARGIN_MS;
  }

  #signBatch(partNumbers: readonly number[]): Promise<void> {
    const batch = this.#options.sign(partNumbers).then(
      (parts) => {
        for (const part of parts) this.#signed.set(part.partNumber, part);
        for (const n of partNumbers) if (this.#inFlight.get(n) === batch) this.#inFlight.delete(n);
      },
      (error: unknown) => {
        for (const n of partNumbers) if (this.#inFlight.get(n) === batch) this.#inFlight.delete(n);
        throw error;
      },
    );
    for (const n of partNumbers) this.#inFlight.set(n, batch);
    return batch;
  }
}
