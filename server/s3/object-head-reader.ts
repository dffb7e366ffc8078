/**
 * HeadObject without the SDK's command stack.
 *
 * Every completed small file costs one HeadObject (its size and ETag are the
 * check that the PUT landed whole). Through `client.send` that is about 1 ms
 * of the API thread's CPU (endpoint rules, serde, retry and signing
 * middleware), 100 ms for a batch complete of 100 files. This sends the same
 * HEAD, signed in its query by the SDK's SigV4 presigner (UrlSigner), through
 * the client's own HTTP handler (its connection pool and timeouts), for about
 * a third of that. Failures look like the SDK's to translateS3Error
 * (`$metadata.httpStatusCode`, Node's network error codes), and what the SDK
 * would retry (network errors, 5xx) is retried.
 */
import { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { isUnreachable } from './errors.js';
import type { UrlSigner } from './url-signer.js';

/** What HeadObject answers that the store reads. */
export interface ObjectHead {
  /** As the store sent it, quoted; '' when it sent none. */
  etag: string;
  size: number | undefined;
  serverSideEncryption: string | undefined;
  sseCustomerAlgorithm: string | undefined;
}

/** A HEAD the store answered with an error status (a HEAD has no body, so no S3 error code). */
export class StoreStatusError extends Error {
  override name = 'StoreStatusError';
  readonly $metadata: { httpStatusCode: number };

  constructor(operation: string, status: number) {
    super(`${operation} answered HTTP ${status}`);
    this.$metadata = { httpStatusCode: status };
  }
}

/** The SDK's default: 3 attempts. */
const RETRY_DELAYS_MS = [100, 400];
/** The signature only has to outlive the request. */
const SIGNATURE_TTL_SECONDS = 60;

type HttpHandler = S3Client['config']['requestHandler'];

interface HandlerResponse {
  statusCode: number;
  headers: Record<string, string | undefined>;
  body?: unknown;
}

export class ObjectHeadReader {
  readonly #handler: HttpHandler;
  readonly #signer: UrlSigner;
  readonly #retryDelaysMs: readonly number[];

  constructor(options: { client: S3Client; signer: UrlSigner; retryDelaysMs?: readonly number[] }) {
    this.#handler = options.client.config.requestHandler;
    this.#signer = options.signer;
    this.#retryDelaysMs = options.retryDelaysMs ?? RETRY_DELAYS_MS;
  }

  /** The object's head; throws StoreStatusError (404 for no such object) or the network's error. */
  async head(key: string): Promise<ObjectHead> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#headOnce(key);
      } catch (error) {
        const wait = this.#retryDelaysMs[attempt];
        if (wait === undefined || !isUnreachable(error)) throw error;
        // Full jitter, as the SDK's standard retry.
        await delay(Math.random() * wait);
      }
    }
  }

  async #headOnce(key: string): Promise<ObjectHead> {
    const request = await this.#signer.presignHead(key, SIGNATURE_TTL_SECONDS);
    const { response } = (await this.#handler.handle(request)) as { response: HandlerResponse };
    // A HEAD answer has no body, but its stream must end for the connection to go back to the pool.
    if (response.body instanceof Readable) response.body.resume();
    if (response.statusCode < 200 || response.statusCode > 299) throw new StoreStatusError('HeadObject', response.statusCode);
    const length = response.headers['content-length'];
    return {
      etag: response.headers.etag ?? '',
      size: length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined,
      serverSideEncryption: response.headers['x-amz-server-side-encryption'],
      sseCustomerAlgorithm: response.headers['x-amz-server-side-encryption-customer-algorithm'],
    };
  }
}
