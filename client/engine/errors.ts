/**
 * The engine's typed errors. All extend UploadError so callers can tell
 * engine failures from programming bugs; every class sets `name` and passes `cause`.
 */
import type { ErrorCode } from '../../shared/api.js';

export class UploadError extends Error {
  override name = 'UploadError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Abort reason that pauses: in-flight parts stop, stored parts stay on S3 for a resume. */
export class PauseError extends UploadError {
  override name = 'PauseError';
  constructor(message = 'Upload paused', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Abort reason that cancels: the upload is aborted on S3. Any other reason cancels too. */
export class CancelError extends UploadError {
  override name = 'CancelError';
  constructor(message = 'Upload cancelled', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * A session given to resume can no longer be resumed: its token expired, or the
 * store no longer knows the multipart upload. The engine starts over and reports it.
 */
export class ResumeUnavailableError extends UploadError {
  override name = 'ResumeUnavailableError';
  readonly reason: 'expired' | 'gone';
  constructor(reason: 'expired' | 'gone', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

/** A non-2xx answer from the upload server, with the code from its JSON error body. */
export class ApiError extends UploadError {
  override name = 'ApiError';
  readonly status: number;
  /** The server's error code, or 'unknown' when the body was not the API's error shape. */
  readonly code: ErrorCode | 'unknown';
  /** How long the server asked to wait before asking again (Retry-After, RateLimit), in ms; undefined when it did not say. */
  readonly retryAfterMs: number | undefined;
  constructor(status: number, code: ErrorCode | 'unknown', message: string, options?: { cause?: unknown; retryAfterMs?: number | undefined }) {
    super(message, options);
    this.status = status;
    this.code = code;
    this.retryAfterMs = options?.retryAfterMs;
  }

  /**
   * The person must sign in again; signing in makes the same call succeed. A 401 that is not the API's
   * JSON comes from an auth proxy in front (oauth2-proxy's --api-route), which means the same.
   */
  get needsSignIn(): boolean {
    return this.code === 'login_required' || this.code === 'login_expired' || (this.status === 401 && this.code === 'unknown');
  }
}

/** A part could not be stored: a final status, or its retries were spent. */
export class PartUploadError extends UploadError {
  override name = 'PartUploadError';
  readonly partNumber: number;
  /** HTTP status of the last attempt, or null when it never got a response. */
  readonly status: number | null;
  constructor(partNumber: number, status: number | null, message?: string, options?: { cause?: unknown }) {
    super(message ?? `Part ${partNumber} failed${status === null ? '' : ` with status ${status}`}`, options);
    this.partNumber = partNumber;
    this.status = status;
  }
}

/**
 * 2xx part answers without a readable ETag on every attempt of the first parts:
 * the bucket's CORS rules do not expose the header, and retrying cannot help.
 * (A missing ETag once, after others were read, is a passing fault and is retried.)
 */
export class MissingEtagError extends PartUploadError {
  override name = 'MissingEtagError';
  constructor(partNumber: number, status: number, options?: { cause?: unknown }) {
    super(
      partNumber,
      status,
      `Part ${partNumber} was stored but its ETag is unreadable: the bucket's CORS configuration does not expose the ETag header`,
      options,
    );
  }
}

/** The request never got an HTTP response (connection failed, timed out, offline). */
export class NetworkError extends UploadError {
  override name = 'NetworkError';
}

/** A part's bytes could not be read (the file was moved, changed or is unreadable): retrying cannot help. */
export class FileReadError extends UploadError {
  override name = 'FileReadError';
  readonly partNumber: number;
  constructor(partNumber: number, options?: { cause?: unknown }) {
    super(`Part ${partNumber} of the file could not be read: was it moved or changed while uploading?`, options);
    this.partNumber = partNumber;
  }
}

/** A 2xx part answer whose ETag is an MD5 other than the part's own: the store kept other bytes. Retried. */
export class EtagMismatchError extends PartUploadError {
  override name = 'EtagMismatchError';
  constructor(partNumber: number, status: number, etag: string, expected: string, options?: { cause?: unknown }) {
    super(partNumber, status, `Part ${partNumber} was stored with ETag ${etag}, but its bytes have MD5 ${expected}`, options);
  }
}

/** The completed object is not the file's bytes (its ETag differs from the one computed locally); it was not kept. */
export class IntegrityError extends UploadError {
  override name = 'IntegrityError';
  readonly expectedEtag: string;
  readonly storedEtag: string;
  constructor(expectedEtag: string, storedEtag: string, options?: { cause?: unknown }) {
    super(`The stored file does not match yours (ETag ${storedEtag}, expected ${expectedEtag}), so it was not kept. Upload it again.`, options);
    this.expectedEtag = expectedEtag;
    this.storedEtag = storedEtag;
  }
}

/** A part attempt that sent no byte and got no answer for `idleMs`: cut, and retried like any lost connection. */
export class PartIdleError extends NetworkError {
  override name = 'PartIdleError';
  readonly partNumber: number;
  readonly idleMs: number;
  constructor(partNumber: number, idleMs: number, options?: { cause?: unknown }) {
    super(`Part ${partNumber} made no progress for ${Math.round(idleMs / 1000)} s`, options);
    this.partNumber = partNumber;
    this.idleMs = idleMs;
  }
}
