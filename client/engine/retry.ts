/**
 * Backoff and the "what can succeed on retry" rules shared by part PUTs and
 * API calls. Unknown errors (programming bugs) are never retried.
 */
import { ApiError, NetworkError } from './errors.js';
import type { Clock, NetworkStatus, SignInGate, UploadWait } from './types.js';

export const DEFAULT_RETRY_DELAYS: readonly number[] = [500, 1000, 2000, 4000, 8000, 16000];
export const JITTER = 0.2;

/** The delay before retry number `retry` (0-based), ±20 % jitter; undefined when the retries are spent. */
export function backoffDelay(delays: readonly number[], retry: number, random: () => number): number | undefined {
  const base = delays[retry];
  if (base === undefined) return undefined;
  return Math.round(base * (1 + JITTER * (2 * random() - 1)));
}

/** Statuses a part PUT or API call may succeed on when repeated. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/**
 * Whether a part PUT's refusal means its presigned URL expired, so a re-signed
 * URL may succeed. S3 says so: 403 AccessDenied "Request has expired". Ceph RGW
 * answers an expired URL with 403 AccessDenied and an empty Message, which is
 * also how it may refuse for other reasons (a bucket policy): that answer counts
 * as expiry only for a URL that was not itself just re-signed for expiry.
 * Any other AccessDenied (e.g. S3's "Access Denied" for a policy) is final.
 */
export function isExpiredUrlResponse(status: number, body: string, options: { justResigned: boolean }): boolean {
  if (status !== 403) return false;
  if (body.includes('Request has expired')) return true;
  const silentAccessDenied = body.includes('<Code>AccessDenied</Code>') && !/<Message>\s*[^<\s][^<]*<\/Message>/.test(body);
  return silentAccessDenied && !options.justResigned;
}

/** The store refused a part whose bytes do not match its signed Content-MD5 (changed in transit): sending it again can succeed. */
export function isBadDigestResponse(status: number, body: string): boolean {
  return status === 400 && body.includes('<Code>BadDigest</Code>');
}

/** Network errors, 5xx, 408 and 429: an API call that may succeed when repeated. */
export function isRetryableApiCallError(error: unknown): boolean {
  return error instanceof NetworkError || (error instanceof ApiError && isRetryableStatus(error.status));
}

export interface ApiRetryOptions {
  clock: Clock;
  delays: readonly number[];
  random: () => number;
  signal?: AbortSignal;
  /** When given, a failure while offline waits for the network without spending a retry. */
  network?: NetworkStatus;
  /**
   * Epoch ms: while the server is unreachable (no answer, 502, 503, 504) keep retrying at the
   * last delay until then, after the delays are spent. For calls that must not give up while
   * they can still succeed, such as complete while the upload token is valid.
   */
  keepTryingUntil?: number;
  /** Told before each wait, e.g. to show that the app is retrying. */
  onRetry?: (error: unknown) => void;
  /** When given, a 401 login_required / login_expired waits for the person to sign in again, without spending a retry. */
  signIn?: SignInGate;
  /** Told when the call starts waiting for sign-in, and (null) when an answer came after such a wait. */
  onWait?: (wait: UploadWait) => void;
}

/** No answer, or an answer saying the server or the store behind it is unavailable for now. */
export function isUnreachableError(error: unknown): boolean {
  return error instanceof NetworkError || (error instanceof ApiError && (error.status === 502 || error.status === 503 || error.status === 504));
}

/**
 * Calls `call` until it succeeds, retrying network errors, 5xx, 408 and 429 on
 * the backoff schedule; a 429 or 503 that says how long to wait (Retry-After,
 * RateLimit) is waited out as asked instead, without spending a retry. Other
 * 4xx ApiErrors are final, except a missing or expired login when signIn is given.
 */
export async function retryApiCall<T>(call: () => Promise<T>, options: ApiRetryOptions): Promise<T> {
  const { clock, delays, random, signal, network, keepTryingUntil, onRetry, signIn, onWait } = options;
  let waitingForSignIn = false;
  for (let retry = 0; ; ) {
    try {
      const value = await call();
      // An answer that arrives after the abort must not carry the upload on.
      signal?.throwIfAborted();
      if (waitingForSignIn) onWait?.(null);
      return value;
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (signIn && error instanceof ApiError && error.needsSignIn) {
        if (!waitingForSignIn) onWait?.('sign-in');
        waitingForSignIn = true;
        await signIn.waitForSignIn(signal);
        continue;
      }
      if (!isRetryableApiCallError(error)) throw error;
      if (error instanceof ApiError && error.retryAfterMs !== undefined && (error.status === 429 || error.status === 503)) {
        // The server said when; a little positive jitter keeps many waiting clients from returning at once.
        await clock.sleep(Math.round(error.retryAfterMs * (1 + JITTER * random())), signal);
        continue;
      }
      if (network && !network.isOnline()) {
        await network.waitOnline(signal);
        continue;
      }
      let delay = backoffDelay(delays, retry, random);
      if (delay === undefined && keepTryingUntil !== undefined && isUnreachableError(error)) {
        delay = backoffDelay(delays, delays.length - 1, random);
        if (delay !== undefined && clock.now() + delay >= keepTryingUntil) delay = undefined;
      }
      if (delay === undefined) throw error;
      retry += 1;
      onRetry?.(error);
      await clock.sleep(delay, signal);
    }
  }
}
