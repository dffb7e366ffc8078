/**
 * Errors the API answers with. Each class carries its HTTP status and the
 * contract's error code; the error handler turns them into
 * `{ error: { code, message, issues? } }`.
 */
import type { ErrorCode } from '../shared/api.js';

export interface ApiIssue {
  path: string;
  message: string;
}

/** Shortens long number lists in messages: "1, 2, 3, … (500 in all)". */
export function listNumbers(numbers: readonly number[], max = 20): string {
  if (numbers.length <= max) return numbers.join(', ');
  return `${numbers.slice(0, max).join(', ')}, … (${numbers.length} in all)`;
}

export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  readonly code: ErrorCode;
  readonly issues: ApiIssue[] | undefined;
  /** Response headers that belong to the error (WWW-Authenticate, Retry-After). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, code: ErrorCode, message: string, options?: { cause?: unknown; issues?: ApiIssue[]; headers?: Record<string, string> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.status = status;
    this.code = code;
    this.issues = options?.issues;
    this.headers = options?.headers ?? {};
  }
}

export class InvalidRequestError extends ApiError {
  override name = 'InvalidRequestError';
  constructor(message: string, options?: { cause?: unknown; issues?: ApiIssue[] }) {
    super(400, 'invalid_request', message, options);
  }
}

export class InvalidTokenError extends ApiError {
  override name = 'InvalidTokenError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(401, 'invalid_token', message, options);
  }
}

export class TokenExpiredError extends ApiError {
  override name = 'TokenExpiredError';
  constructor(expiresAt: number) {
    super(401, 'token_expired', `upload token expired at ${new Date(expiresAt).toISOString()}; start a new upload`);
  }
}

interface LoginErrorOptions {
  cause?: unknown;
  /** The login came (or should come) as a Bearer token: answer with its challenge. */
  bearer?: boolean;
}

/** RFC 6750: a 401 for a Bearer login names the scheme, and says why the token was refused in error_description. */
function loginErrorOptions(message: string, options: LoginErrorOptions | undefined): { cause?: unknown; headers?: Record<string, string> } {
  const challenge = `Bearer error="invalid_token", error_description="${message.replace(/["\\]/g, "'")}"`;
  return { cause: options?.cause, ...(options?.bearer === true && { headers: { 'WWW-Authenticate': challenge } }) };
}

/** No login, or one that is not valid (bad signature, wrong issuer or audience). Signing in again helps. */
export class LoginRequiredError extends ApiError {
  override name = 'LoginRequiredError';
  constructor(message: string, options?: LoginErrorOptions) {
    super(401, 'login_required', message, loginErrorOptions(message, options));
  }
}

/** The login's token has expired. Signing in again helps. */
export class LoginExpiredError extends ApiError {
  override name = 'LoginExpiredError';
  constructor(options?: LoginErrorOptions) {
    const message = 'your login has expired; sign in again';
    super(401, 'login_expired', message, loginErrorOptions(message, options));
  }
}

/** The caller is signed in, but the upload belongs to someone else. */
export class ForbiddenError extends ApiError {
  override name = 'ForbiddenError';
  constructor(message = 'this upload belongs to another user') {
    super(403, 'forbidden', message);
  }
}

export class TooManyUploadsError extends ApiError {
  override name = 'TooManyUploadsError';
  constructor(limit: number) {
    super(409, 'too_many_uploads', `you have ${limit} unfinished uploads, the most allowed at once; finish or cancel some, then start this one`);
  }
}

/** The identity provider's keys could not be fetched. */
export class AuthUnavailableError extends ApiError {
  override name = 'AuthUnavailableError';
  constructor(options?: { cause?: unknown }) {
    super(503, 'auth_unavailable', 'the login service cannot be reached to check your login; retry later', options);
  }
}

export class FileTooLargeError extends ApiError {
  override name = 'FileTooLargeError';
  constructor(size: number, maxFileSize: number) {
    super(413, 'file_too_large', `file size ${size} bytes exceeds the limit of ${maxFileSize} bytes`);
  }
}

export class ContentTypeNotAllowedError extends ApiError {
  override name = 'ContentTypeNotAllowedError';
  constructor(contentType: string, allowed: readonly string[]) {
    super(415, 'content_type_not_allowed', `content type "${contentType}" is not allowed; allowed: ${allowed.join(', ')}`);
  }
}

export class PartOutOfRangeError extends ApiError {
  override name = 'PartOutOfRangeError';
  constructor(partNumbers: readonly number[], partCount: number) {
    super(400, 'part_out_of_range', `part numbers ${listNumbers(partNumbers)} are beyond this upload's ${partCount} part(s)`);
  }
}

export class MissingPartsError extends ApiError {
  override name = 'MissingPartsError';
  constructor(message: string) {
    super(400, 'missing_parts', message);
  }
}

export class SizeMismatchError extends ApiError {
  override name = 'SizeMismatchError';
  constructor(message: string) {
    super(400, 'size_mismatch', message);
  }
}

/** A declared ETag differs from the stored part's: the client sent the wrong part or a stale ETag. */
export class EtagMismatchError extends ApiError {
  override name = 'EtagMismatchError';
  constructor(partNumbers: readonly number[]) {
    super(400, 'etag_mismatch', `ETag of part(s) ${listNumbers(partNumbers)} does not match the stored part; re-upload them or send the ETag the store returned`);
  }
}

/** The stored object is not the client's bytes; it has been deleted. */
export class ChecksumMismatchError extends ApiError {
  override name = 'ChecksumMismatchError';
  constructor(message: string) {
    super(422, 'checksum_mismatch', message);
  }
}

/** The multipart upload is gone (completed, aborted, expired or never existed). The cause says which store call found out. */
export class UploadNotFoundError extends ApiError {
  override name = 'UploadNotFoundError';
  constructor(options?: { cause?: unknown }) {
    super(404, 'no_such_upload', 'the upload does not exist any more (completed, aborted or expired)', options);
  }
}

export class PayloadTooLargeError extends ApiError {
  override name = 'PayloadTooLargeError';
  constructor(limit: number, options?: { cause?: unknown; declared?: number }) {
    const body = options?.declared === undefined ? 'request body' : `declared request body of ${options.declared} bytes`;
    super(413, 'payload_too_large', `${body} exceeds the limit of ${limit} bytes`, options);
  }
}

export class RequestTimeoutError extends ApiError {
  override name = 'RequestTimeoutError';
  constructor(idleMs: number) {
    super(408, 'request_timeout', `no request body bytes arrived for ${idleMs / 1000} s; send the body at once`);
  }
}

export class UnsupportedMediaTypeError extends ApiError {
  override name = 'UnsupportedMediaTypeError';
  constructor(message = 'request body must be JSON (Content-Type: application/json)', options?: { cause?: unknown }) {
    super(415, 'unsupported_media_type', message, options);
  }
}

export class NotFoundError extends ApiError {
  override name = 'NotFoundError';
  constructor(message: string) {
    super(404, 'not_found', message);
  }
}

/** A known path asked with a method it does not serve. */
export class MethodNotAllowedError extends ApiError {
  override name = 'MethodNotAllowedError';
  readonly allowed: readonly string[];
  constructor(method: string, path: string, allowed: readonly string[]) {
    super(405, 'method_not_allowed', `${method} is not supported on ${path}; use ${allowed.join(' or ')}`);
    this.allowed = allowed;
  }
}

export class RateLimitedError extends ApiError {
  override name = 'RateLimitedError';
  constructor() {
    super(429, 'rate_limited', 'too many requests; slow down and retry later');
  }
}

/** The store could not be reached or answered with a server-side failure: a retry may succeed. The cause says what failed. */
export class StoreUnavailableError extends ApiError {
  override name = 'StoreUnavailableError';
  constructor(options?: { cause?: unknown }) {
    super(503, 'storage_unavailable', 'the storage backend is unreachable; retry later', options);
  }
}
