import { bytesToHex, fromContentMd5 } from '../../../shared/checksum.js';
import { NetworkError } from '../errors.js';
import type { PutOptions, Transport, TransportResponse } from '../types.js';
import { flush } from './flush.js';

/** One captured PUT; the test answers it. */
export class FakeRequest {
  readonly url: string;
  readonly body: Blob;
  readonly signal: AbortSignal;
  /** Parsed from the fake API's URLs: https://store.test/<key>?partNumber=N&sig=G */
  readonly partNumber: number;
  readonly file: string;
  readonly signature: string;
  readonly headers: Readonly<Record<string, string>>;
  settled = false;
  aborted = false;
  readonly #onProgress: ((sentBytes: number) => void) | undefined;
  /** Whether the engine asked this request for upload progress. */
  readonly reportsProgress: boolean;
  readonly #resolve: (response: TransportResponse) => void;
  readonly #reject: (error: unknown) => void;

  constructor(
    url: string,
    body: Blob,
    options: PutOptions,
    resolve: (response: TransportResponse) => void,
    reject: (error: unknown) => void,
  ) {
    this.url = url;
    this.body = body;
    this.signal = options.signal;
    this.headers = options.headers ?? {};
    this.#onProgress = options.onProgress;
    this.reportsProgress = options.onProgress !== undefined;
    const parsed = new URL(url);
    this.partNumber = Number(parsed.searchParams.get('partNumber'));
    this.file = parsed.pathname.slice(1);
    this.signature = parsed.searchParams.get('sig') ?? '';
    this.#resolve = resolve;
    this.#reject = reject;
  }

  progress(sentBytes: number): void {
    if (!this.settled) this.#onProgress?.(sentBytes);
  }

  /** The ETag a store gives these bytes: the hex of the signed Content-MD5 when there is one. */
  get storedEtag(): string {
    const contentMd5 = this.headers['Content-MD5'];
    return contentMd5 === undefined ? `"etag-${this.file}-${this.partNumber}"` : `"${bytesToHex(fromContentMd5(contentMd5))}"`;
  }

  respond(response: { status?: number; etag?: string | null; body?: string } = {}): void {
    this.#settle();
    const status = response.status ?? 200;
    this.#resolve({ status, etag: response.etag === undefined ? this.storedEtag : response.etag, body: response.body ?? '' });
  }

  /** What S3 answers when the body does not match the signed Content-MD5. */
  respondBadDigest(): void {
    this.respond({ status: 400, etag: null, body: '<?xml version="1.0"?><Error><Code>BadDigest</Code><Message>The Content-MD5 you specified did not match what we received.</Message></Error>' });
  }

  fail(): void {
    this.#settle();
    this.#reject(new NetworkError('fake connection reset'));
  }

  abortedBy(reason: unknown): void {
    this.#settle();
    this.aborted = true;
    this.#reject(reason);
  }

  #settle(): void {
    if (this.settled) throw new Error(`request for part ${this.partNumber} already settled`);
    this.settled = true;
  }
}

/** Captures every PUT for the test to answer; tracks how many are in flight. */
export class FakeTransport implements Transport {
  readonly requests: FakeRequest[] = [];
  #unclaimed: FakeRequest[] = [];
  inFlight = 0;
  maxInFlight = 0;

  put(url: string, body: Blob, options: PutOptions): Promise<TransportResponse> {
    return new Promise<TransportResponse>((resolve, reject) => {
      const onAbort = () => !request.settled && request.abortedBy(options.signal.reason);
      const done = () => {
        this.inFlight -= 1;
        options.signal.removeEventListener('abort', onAbort);
      };
      const request = new FakeRequest(
        url,
        body,
        options,
        (response) => {
          done();
          resolve(response);
        },
        (error) => {
          done();
          reject(error);
        },
      );
      this.inFlight += 1;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      this.requests.push(request);
      this.#unclaimed.push(request);
      if (options.signal.aborted) request.abortedBy(options.signal.reason);
      else options.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The oldest request the test has not taken yet; throws when the engine started none (after letting it run). */
  async nextRequest(): Promise<FakeRequest> {
    await flush();
    const request = this.#unclaimed.shift();
    if (!request) throw new Error('the engine started no request');
    return request;
  }

  /** Requests started and not yet taken by nextRequest(). */
  async pending(): Promise<FakeRequest[]> {
    await flush();
    return [...this.#unclaimed];
  }

  async takeAll(): Promise<FakeRequest[]> {
    await flush();
    const all = this.#unclaimed;
    this.#unclaimed = [];
    return all;
  }
}
