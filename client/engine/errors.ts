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

/** A non-2xx answer from the upload server, with the code from its JSON error body. */
export class ApiError extends UploadError {
  override name = 'ApiError';
  readonly status: number;
  /** The server's error code, or 'unknown' when the body was not the API's error shape. */
  readonly code: ErrorCode | 'unknown';
  constructor(status: number, code: ErrorCode | 'unknown', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
    this.code = code;
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

/** A 2xx part response whose ETag header cannot be read; retrying cannot help. */
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
