/**
 * One file's upload: create (or resume), send the parts through the shared
 * scheduler, complete. Any part failure that cannot succeed on retry stops the
 * whole upload; cancel and failures abort it on S3, pause keeps stored parts.
 */
import { MAX_SIGN_BATCH } from '../../shared/limits.js';
import { partLength, partRange, type PartPlan } from '../../shared/part-plan.js';
import type { PartToSign, SignedPart, StoredPart } from '../../shared/api.js';
import { bytesToHex, concatPartDigests, formatMultipartEtag, sameEtag, toContentMd5 } from '../../shared/checksum.js';
import {
  ApiError,
  EtagMismatchError,
  IntegrityError,
  MissingEtagError,
  NetworkError,
  PartIdleError,
  PartUploadError,
  PauseError,
  ResumeUnavailableError,
  UploadError,
} from './errors.js';
import type { IdleWatchdog } from './idle-watchdog.js';
import { MissingEtagJudge } from './missing-etag-judge.js';
import { PartDigests } from './part-digests.js';
import type { PendingAborts } from './pending-aborts.js';
import { PartSigner } from './part-signer.js';
import { ProgressTracker } from './progress-tracker.js';
import { backoffDelay, type ApiRetryOptions, isBadDigestResponse, isUnreachableError, isExpiredUrlResponse, isRetryableStatus, retryApiCall } from './retry.js';
import type { OpenSlots } from './open-slots.js';
import type { PartScheduler, PartSource } from './scheduler.js';
import type { SinglePutFlow } from './single-put-flow.js';
import type { Clock, NetworkStatus, PartHasher, SignInGate, Transport, UploadApi, UploadProgress, UploadResult, UploadSession, UploadWait } from './types.js';

export type UploadFile = Blob & { readonly name: string };

export interface UploadRunDeps {
  api: UploadApi;
  transport: Transport;
  clock: Clock;
  scheduler: PartScheduler;
  /** Files with an open (multipart) upload on the server. */
  openSlots: OpenSlots;
  /** Files going as one PutObject between hashing and complete: nothing is open on the store until the PUT lands whole. */
  singleSlots: OpenSlots;
  /** Gathers small files' creates and completes into full batches. */
  singleFlow: SinglePutFlow;
  retryDelays: readonly number[];
  random: () => number;
  network: NetworkStatus;
  /** Required for uploads whose checksum mode is md5. */
  hasher: PartHasher | undefined;
  /** Cuts part attempts with no upload progress for a while (to be retried); null never cuts. */
  idleWatchdog: IdleWatchdog | null;
  /** Aborts on the store, kept and retried until they get through. */
  aborts: PendingAborts;
  /** Files up to this size go as one PutObject (api.createSingle); 0 sends every file as a multipart upload. */
  singlePutMaxSize: number;
  signIn: SignInGate;
  /** Attempts ask for no upload progress while this file's last part was stored within this many ms; 0: always ask. */
  quietPartMs: number;
}

/** MD5s computed at once; more would only compete with the PUTs for CPU. */
const HASH_PARALLEL = 2;
/** Ready MD5s a sign-ahead batch waits for, as a multiple of the low water: fewer, larger sign calls. */
const SIGN_BATCH_FACTOR = 2;

export interface UploadRunOptions {
  signal?: AbortSignal | undefined;
  session?: UploadSession | undefined;
  onSession?: ((session: UploadSession) => void) | undefined;
  onStartOver?: ((reason: ResumeUnavailableError) => void) | undefined;
  onProgress?: ((progress: UploadProgress) => void) | undefined;
  progressIntervalMs?: number | undefined;
  onWait?: ((wait: UploadWait) => void) | undefined;
  onStoreCleanup?: ((removed: Promise<void>) => void) | undefined;
}

type AttemptOutcome =
  | { kind: 'stored'; etag: string }
  /**
   * stuck: the bytes went out and still did not count (refused or mis-stored as corrupt, no answer, no ETag),
   * so a full send that ends so is not progress and earns no fresh retries.
   */
  | { kind: 'retry'; status: number | null; expired: boolean; stuck: boolean; cause: unknown }
  | { kind: 'fatal'; error: UploadError };

export class UploadRun implements PartSource {
  readonly #deps: UploadRunDeps;
  readonly #file: UploadFile;
  readonly #options: UploadRunOptions;
  /** Aborted with the reason the run stops: the caller's pause/cancel reason or the fatal error. */
  readonly #stop = new AbortController();
  readonly #etags = new Map<number, string>();
  #session: UploadSession | null = null;
  #plan: PartPlan | null = null;
  #progress: ProgressTracker | null = null;
  #signer: PartSigner | null = null;
  /** Null when the upload's checksum mode is off. */
  #digests: PartDigests | null = null;
  /** Parts stored before a resume: their ETags are checked against the file before complete. */
  #resumed: number[] = [];
  #missingEtags: MissingEtagJudge | null = null;
  /** Part numbers still to send, ascending; #next indexes the next one to start. */
  #order: number[] = [];
  #next = 0;
  #remaining = 0;
  /** How long the last stored part's attempt took, ms; null before the first. */
  #lastPartMs: number | null = null;
  #partsSettled: { resolve: () => void; reject: (error: unknown) => void } | null = null;
  /** A single-PUT upload's URL from create, and the file's MD5 (Content-MD5) it was created with. */
  #singlePart: SignedPart | null = null;
  #singleMd5: string | undefined;
  /** Called once a single PUT is stored or the run stops: other files' completes stop waiting for it. */
  #singleSent: (() => void) | null = null;
  /** Slices hashed and not sent yet, by part number. */
  readonly #hashedSlices = new Map<number, Blob>();

  constructor(deps: UploadRunDeps, file: UploadFile, options: UploadRunOptions) {
    this.#deps = deps;
    this.#file = file;
    this.#options = options;
  }

  async run(): Promise<UploadResult> {
    const { signal } = this.#options;
    signal?.throwIfAborted();
    const onCallerAbort = () => this.#stop.abort(signal?.reason);
    signal?.addEventListener('abort', onCallerAbort, { once: true });
    this.#deps.scheduler.add(this);
    let releaseSlot: (() => void) | undefined;
    try {
      const slots = this.#goesAsSinglePut() ? this.#deps.singleSlots : this.#deps.openSlots;
      releaseSlot = await slots.acquire(this.#stop.signal);
      const { session, stored } = await this.#openSession();
      this.#prepareParts(session, stored);
      await this.#sendParts();
      await this.#resendChangedStoredParts(session);
      // A single PUT's object was checked by the store (signed Content-MD5) and is checked again by complete (HeadObject).
      const expectedEtag = session.single ? undefined : await this.#expectedObjectEtag();
      const parts = [...this.#etags].map(([partNumber, etag]) => ({ partNumber, etag })).sort((a, b) => a.partNumber - b.partNumber);
      const request = { parts, ...(expectedEtag !== undefined && { expectedEtag }) };
      // Small files complete together, in one call.
      if (session.single) await this.#deps.singleFlow.completes.wait(this.#stop.signal);
      // Every part is stored: while the server is unreachable, complete keeps trying as long as the token is valid.
      const result = await this.#callApi(() => this.#deps.api.complete(session, request, this.#stop.signal), { keepTryingUntil: session.expiresAt });
      // The server deletes an object whose ETag differs (checksum_mismatch); this check holds even if it did not.
      if (expectedEtag !== undefined && session.checksum.etagIsMd5 && !sameEtag(result.etag, expectedEtag)) {
        throw new IntegrityError(expectedEtag, result.etag);
      }
      this.#progress?.finish();
      return result;
    } catch (error) {
      const reason: unknown = this.#stop.signal.aborted ? this.#stop.signal.reason : error;
      if (!this.#stop.signal.aborted) this.#stop.abort(reason);
      this.#progress?.requeueUnfinished();
      this.#progress?.setWaiting(null);
      const aborting = this.#session !== null && !(reason instanceof PauseError);
      // Aborted on the store: the card must not claim parts that are being discarded.
      if (aborting) this.#progress?.discardStored();
      this.#progress?.finish();
      if (this.#session && aborting) this.#abortOnStore(this.#session);
      throw reason;
    } finally {
      this.#singleSent?.();
      this.#hashedSlices.clear();
      releaseSlot?.();
      signal?.removeEventListener('abort', onCallerAbort);
      this.#deps.scheduler.remove(this);
    }
  }

  nextTask(): (() => Promise<void>) | undefined {
    if (this.#stop.signal.aborted || this.#next >= this.#order.length) return undefined;
    const partNumber = this.#order[this.#next];
    if (partNumber === undefined) return undefined;
    this.#next += 1;
    return () => this.#sendPart(partNumber);
  }

  /** Whether this file goes as one PutObject: a single session to resume, or a new file that fits in one. */
  #goesAsSinglePut(): boolean {
    const given = this.#options.session;
    if (given) return given.single === true;
    const { api, singlePutMaxSize } = this.#deps;
    return api.createSingle !== undefined && singlePutMaxSize > 0 && this.#file.size <= singlePutMaxSize;
  }

  /** The given session with its stored parts, or a new one when there is none or it can no longer be resumed. */
  async #openSession(): Promise<{ session: UploadSession; stored: readonly StoredPart[] }> {
    const given = this.#options.session;
    if (given) {
      this.#checkSize(given);
      const stored = await this.#storedPartsOf(given);
      if (stored) return { session: this.#use(given), stored };
    }
    const file = this.#file;
    const created =
      (await this.#createSingle()) ??
      (await this.#callApi(() =>
        this.#deps.api.create({ fileName: file.name, size: file.size, ...(file.type ? { contentType: file.type } : {}) }, this.#stop.signal),
      ));
    this.#checkSize(created);
    return { session: this.#use(created), stored: [] };
  }

  #checkSize(session: UploadSession): void {
    if (session.size !== this.#file.size) {
      throw new UploadError(`the upload is for ${session.size} bytes but the file has ${this.#file.size}: pick the same file to resume`);
    }
  }

  #use(session: UploadSession): UploadSession {
    this.#session = session;
    this.#options.onSession?.(session);
    return session;
  }

  /** A file that fits in one part: hashed whole, then created and signed in one (batched) call; undefined when it does not fit. */
  async #createSingle(): Promise<UploadSession | undefined> {
    const { api, hasher, singlePutMaxSize } = this.#deps;
    const createSingle = api.createSingle?.bind(api);
    if (createSingle === undefined || singlePutMaxSize <= 0 || this.#file.size > singlePutMaxSize) return undefined;
    const hashed = this.#deps.singleFlow.startHashing();
    try {
      this.#singleMd5 = hasher ? toContentMd5(await hasher.md5(this.#file, this.#stop.signal)) : undefined;
    } finally {
      hashed();
    }
    // Small files hashed at about the same time are created in one call.
    await this.#deps.singleFlow.creates.wait(this.#stop.signal);
    const request = {
      fileName: this.#file.name,
      size: this.#file.size,
      ...(this.#file.type ? { contentType: this.#file.type } : {}),
      ...(this.#singleMd5 !== undefined && { md5: this.#singleMd5 }),
    };
    const { part, ...session } = await this.#callApi(() => createSingle(request, this.#stop.signal));
    this.#singlePart = part;
    return session;
  }

  /** ListParts of a session to resume; null (start over, reported) when its token expired or the store lost the upload. */
  async #storedPartsOf(session: UploadSession): Promise<readonly StoredPart[] | null> {
    const startOver = (reason: ResumeUnavailableError) => {
      this.#options.onStartOver?.(reason);
      return null;
    };
    if (session.expiresAt <= this.#deps.clock.now()) {
      return startOver(new ResumeUnavailableError('expired', 'the upload could no longer be resumed: its permission expired'));
    }
    try {
      return await this.#callApi(() => this.#deps.api.listParts(session, this.#stop.signal));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.code === 'token_expired') {
        return startOver(new ResumeUnavailableError('expired', 'the upload could no longer be resumed: its permission expired', { cause: error }));
      }
      if (error.code === 'no_such_upload' || error.code === 'invalid_token') {
        return startOver(new ResumeUnavailableError('gone', 'the storage no longer has the upload, so it could not be resumed', { cause: error }));
      }
      throw error;
    }
  }

  #prepareParts(session: UploadSession, stored: readonly StoredPart[]): void {
    const plan: PartPlan = { size: session.size, partSize: session.partSize, partCount: session.partCount };
    this.#plan = plan;
    const sizes = Array.from({ length: plan.partCount }, (_, i) => partLength(plan, i + 1));
    this.#missingEtags = new MissingEtagJudge(plan.partCount);
    this.#progress = new ProgressTracker({
      partSizes: sizes,
      clock: this.#deps.clock,
      onProgress: this.#options.onProgress,
      throttleMs: this.#options.progressIntervalMs,
    });
    // Resume: a stored part counts only when its size matches the plan; others are sent again.
    for (const part of stored) {
      if (sizes[part.partNumber - 1] === part.size) {
        this.#etags.set(part.partNumber, part.etag);
        this.#progress.setState(part.partNumber, 'done');
      }
    }
    this.#resumed = [...this.#etags.keys()].sort((a, b) => a - b);
    this.#order = [];
    for (let n = 1; n <= plan.partCount; n += 1) if (!this.#etags.has(n)) this.#order.push(n);
    this.#remaining = this.#order.length;
    if (session.single && this.#remaining > 0) this.#singleSent = this.#deps.singleFlow.startSending();
    const lowWater = 2 * this.#deps.scheduler.concurrency;
    // A single PUT's MD5 is the file's, computed before create.
    const digests = session.checksum.mode === 'md5' && !session.single ? this.#createDigests(lowWater) : null;
    this.#digests = digests;
    this.#signer = new PartSigner({
      sign: (partNumbers) => this.#signParts(session, partNumbers),
      clock: this.#deps.clock,
      order: this.#order,
      started: () => this.#next,
      lowWater,
      ...(digests && { ready: (n: number) => digests.peek(n) !== undefined, minBatch: SIGN_BATCH_FACTOR * lowWater }),
    });
    if (this.#singlePart) this.#signer.seed([this.#singlePart]);
  }

  #createDigests(lowWater: number): PartDigests {
    const hasher = this.#deps.hasher;
    if (!hasher) throw new UploadError('this upload is checked with MD5s, but the uploader has no hasher');
    return new PartDigests({
      hasher,
      slice: (partNumber) => {
        const body = this.#slice(partNumber);
        this.#hashedSlices.set(partNumber, body);
        return body;
      },
      order: this.#order,
      started: () => this.#next,
      // Far enough ahead that a full sign batch is ready before the signed URLs run out.
      lookahead: MAX_SIGN_BATCH + lowWater,
      background: this.#resumed,
      parallel: HASH_PARALLEL,
      signal: this.#stop.signal,
      onDigest: () => this.#signer?.signAhead(),
    });
  }

  /** The slice a part was hashed from, sent by its first attempt: a slice costs the page's main thread about a millisecond. */
  #bodyToSend(partNumber: number): Blob {
    const hashed = this.#hashedSlices.get(partNumber);
    if (hashed === undefined) return this.#slice(partNumber);
    this.#hashedSlices.delete(partNumber);
    return hashed;
  }

  #slice(partNumber: number): Blob {
    if (!this.#plan) throw new UploadError('upload run used before its parts were prepared');
    // A file that is one part is sent as it is: a slice costs about a millisecond of the page's main thread.
    if (this.#plan.partCount === 1) return this.#file;
    const { start, end } = partRange(this.#plan, partNumber);
    return this.#file.slice(start, end);
  }

  /** Signs parts with their MD5s (awaited first, outside the API retries). */
  async #signParts(session: UploadSession, partNumbers: readonly number[]): Promise<SignedPart[]> {
    const digests = this.#digests;
    const singleMd5 = session.single ? this.#singleMd5 : undefined;
    const parts: PartToSign[] = singleMd5 !== undefined
      ? partNumbers.map((partNumber) => ({ partNumber, md5: singleMd5 }))
      : digests
      ? await Promise.all(partNumbers.map(async (partNumber) => ({ partNumber, md5: toContentMd5(digests.peek(partNumber) ?? (await digests.get(partNumber))) })))
      : partNumbers.map((partNumber) => ({ partNumber }));
    return this.#callApi(() => this.#deps.api.sign(session, parts, this.#stop.signal));
  }

  /** Resume: a part stored earlier whose ETag is not the file's MD5 holds other bytes; send it again. */
  async #resendChangedStoredParts(session: UploadSession): Promise<void> {
    const digests = this.#digests;
    if (!digests || !session.checksum.etagIsMd5 || this.#resumed.length === 0) return;
    const changed: number[] = [];
    for (const partNumber of this.#resumed) {
      const digest = await digests.get(partNumber);
      if (!sameEtag(this.#etags.get(partNumber) ?? '', bytesToHex(digest))) changed.push(partNumber);
    }
    if (changed.length === 0) return;
    for (const partNumber of changed) {
      this.#etags.delete(partNumber);
      this.#progress?.setState(partNumber, 'queued');
    }
    this.#order.push(...changed);
    this.#remaining = changed.length;
    await this.#sendParts();
  }

  /** The object's multipart ETag from the file's own part MD5s; undefined when the checksum mode is off. */
  async #expectedObjectEtag(): Promise<string | undefined> {
    const digests = this.#digests;
    const plan = this.#plan;
    const hasher = this.#deps.hasher;
    if (!digests || !plan || !hasher) return undefined;
    const all: Uint8Array[] = [];
    for (let n = 1; n <= plan.partCount; n += 1) all.push(await digests.get(n));
    const joined = concatPartDigests(all);
    return formatMultipartEtag(await hasher.md5(new Blob([joined.buffer as ArrayBuffer]), this.#stop.signal), plan.partCount);
  }

  #sendParts(): Promise<void> {
    this.#stop.signal.throwIfAborted();
    if (this.#remaining === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#partsSettled = { resolve, reject };
      this.#stop.signal.addEventListener('abort', () => reject(this.#stop.signal.reason), { once: true });
      this.#signer?.signAhead();
      this.#deps.scheduler.pump();
    });
  }

  /** Runs in a scheduler slot until the part is stored or the upload stops; never rejects. */
  async #sendPart(partNumber: number): Promise<void> {
    try {
      const etag = await this.#storePart(partNumber);
      this.#etags.set(partNumber, etag);
      this.#signer?.release(partNumber);
      this.#progress?.setState(partNumber, 'done');
      if (this.#session?.single) this.#singleSent?.();
      this.#remaining -= 1;
      if (this.#remaining === 0) this.#partsSettled?.resolve();
    } catch (error) {
      if (this.#stop.signal.aborted) {
        // Stopped by pause, cancel or another part: this part is simply not stored.
        this.#progress?.setState(partNumber, 'queued');
        return;
      }
      this.#progress?.setState(partNumber, 'failed');
      this.#stop.abort(error);
    }
  }

  /** Attempts until stored; rejects with the error that ends the upload. */
  async #storePart(partNumber: number): Promise<string> {
    const { network, clock, retryDelays, random } = this.#deps;
    const signal = this.#stop.signal;
    const signer = this.#signer;
    const progress = this.#progress;
    const plan = this.#plan;
    if (!signer || !progress || !plan) throw new UploadError('upload run used before its parts were prepared');
    // This part started: the hashing window moves one part further.
    this.#digests?.pump();
    let retry = 0;
    let justResigned = false;
    for (;;) {
      signal.throwIfAborted();
      if (!network.isOnline()) await this.#waitOnline();
      if (!signer.has(partNumber)) progress.setState(partNumber, 'signing');
      const signed = await signer.get(partNumber);
      signal.throwIfAborted();
      progress.setState(partNumber, 'uploading', 0);
      let sent = 0;
      // While parts are stored quickly, a part's first attempt reports no progress (see quietPartMs); a retry always does.
      const lastPartMs = this.#lastPartMs;
      const quiet = retry === 0 && !justResigned && lastPartMs !== null && lastPartMs < this.#deps.quietPartMs;
      const onProgress = (bytes: number) => {
        sent = bytes;
        if (bytes > 0 && progress.waitingFor !== null) progress.setWaiting(null);
        progress.setSent(partNumber, bytes);
      };
      const started = clock.now();
      // The first attempt sends the slice that was hashed; a retry takes a fresh one (re-reading the bytes from the file).
      const outcome = await this.#attempt(partNumber, signed, this.#bodyToSend(partNumber), justResigned, quiet ? undefined : onProgress);
      if (outcome.kind === 'stored') {
        this.#lastPartMs = clock.now() - started;
        if (progress.waitingFor !== null) progress.setWaiting(null);
        return outcome.etag;
      }
      if (outcome.kind === 'fatal') throw outcome.error;
      progress.setState(partNumber, 'retrying', 0);
      // A part that moved forward earns a fresh set of retries (as tus does); bytes that went out and did not count did not move it.
      if (sent > 0 && !outcome.stuck) retry = 0;
      if (outcome.expired) signer.invalidate(partNumber);
      justResigned = outcome.expired;
      if (!network.isOnline()) {
        await this.#waitOnline();
        continue;
      }
      // No answer at all while online: the store is unreachable (shown until a part moves again).
      if (outcome.status === null) progress.setWaiting('storage');
      const delay = backoffDelay(retryDelays, retry, random);
      if (delay === undefined) {
        throw new PartUploadError(partNumber, outcome.status, `Part ${partNumber} failed and its retries are spent`, { cause: outcome.cause });
      }
      retry += 1;
      // An expired URL is re-signed; waiting longer would not help.
      if (!outcome.expired) await clock.sleep(delay, signal);
    }
  }

  /** `onProgress` undefined: the attempt reports no progress, and the idle watchdog cuts it only when it has not ended in time. */
  async #attempt(partNumber: number, signed: SignedPart, body: Blob, justResigned: boolean, onProgress: ((sentBytes: number) => void) | undefined): Promise<AttemptOutcome> {
    const stop = this.#stop.signal;
    const idle = this.#deps.idleWatchdog;
    // Aborted when the upload stops, or by the watchdog when the attempt goes quiet.
    const attempt = new AbortController();
    const onStop = () => attempt.abort(stop.reason);
    stop.addEventListener('abort', onStop, { once: true });
    const watchdog = idle?.watch(() => attempt.abort(new PartIdleError(partNumber, idle.idleMs))) ?? null;
    try {
      const response = await this.#deps.transport.put(signed.url, body, {
        signal: attempt.signal,
        onProgress:
          onProgress &&
          ((sentBytes) => {
            watchdog?.touch();
            onProgress(sentBytes);
          }),
        headers: signed.headers,
      });
      const { status, etag } = response;
      if (status >= 200 && status < 300) return this.#stored(partNumber, status, etag);
      const expired = isExpiredUrlResponse(status, response.body, { justResigned });
      const corrupt = isBadDigestResponse(status, response.body);
      const cause = new PartUploadError(partNumber, status, `Part ${partNumber} got status ${status}: ${response.body.slice(0, 300)}`);
      if (expired || corrupt || isRetryableStatus(status)) return { kind: 'retry', status, expired, stuck: corrupt, cause };
      return { kind: 'fatal', error: cause };
    } catch (error) {
      if (stop.aborted) throw stop.reason;
      if (error instanceof NetworkError) return { kind: 'retry', status: null, expired: false, stuck: error instanceof PartIdleError, cause: error };
      throw error;
    } finally {
      watchdog?.end();
      stop.removeEventListener('abort', onStop);
    }
  }

  /** A 2xx answer: stored, or retried when its ETag is missing (unless the bucket's CORS hides every ETag) or not the part's MD5. */
  #stored(partNumber: number, status: number, etag: string | null): AttemptOutcome {
    const judge = this.#missingEtags;
    if (!etag) {
      if (judge?.etagMissing(partNumber) === 'cors') return { kind: 'fatal', error: new MissingEtagError(partNumber, status) };
      const cause = new PartUploadError(partNumber, status, `Part ${partNumber} was answered ${status} without an ETag`);
      return { kind: 'retry', status, expired: false, stuck: true, cause };
    }
    judge?.etagRead();
    const mismatch = this.#etagMismatch(partNumber, status, etag);
    return mismatch ? { kind: 'retry', status, expired: false, stuck: true, cause: mismatch } : { kind: 'stored', etag };
  }

  /** Where the store's ETags are MD5s (not with SSE-KMS or SSE-C), a part's must be the MD5 of its bytes. */
  #etagMismatch(partNumber: number, status: number, etag: string): EtagMismatchError | undefined {
    const digest = this.#digests?.peek(partNumber);
    if (!digest || !this.#session?.checksum.etagIsMd5) return undefined;
    const expected = bytesToHex(digest);
    return sameEtag(etag, expected) ? undefined : new EtagMismatchError(partNumber, status, etag, expected);
  }

  #callApi<T>(call: () => Promise<T>, extra: Pick<ApiRetryOptions, 'keepTryingUntil'> = {}): Promise<T> {
    const { clock, retryDelays, random, network, signIn } = this.#deps;
    const onWait = this.#options.onWait;
    const progress = this.#progress;
    const onRetry = (error: unknown) => {
      if (isUnreachableError(error)) progress?.setWaiting(network.isOnline() ? 'server' : 'network');
    };
    const value = retryApiCall(call, { clock, delays: retryDelays, random, network, signal: this.#stop.signal, onRetry, signIn, ...(onWait && { onWait }), ...extra });
    if (!progress) return value;
    return value.then((result) => {
      if (progress.waitingFor === 'server') progress.setWaiting(null);
      return result;
    });
  }

  /** Waits for the browser to be online, saying so on the card. */
  async #waitOnline(): Promise<void> {
    this.#progress?.setWaiting('network');
    await this.#deps.network.waitOnline(this.#stop.signal);
    if (this.#progress?.waitingFor === 'network') this.#progress.setWaiting(null);
  }

  /** The first call starts before the caller sees the rejection; an abort that cannot get through is kept and retried. */
  #abortOnStore(session: UploadSession): void {
    const removed = this.#deps.aborts.abort(session);
    removed.catch(() => undefined);
    this.#options.onStoreCleanup?.(removed);
  }
}
