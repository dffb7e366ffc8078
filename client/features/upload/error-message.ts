/**
 * Turns whatever an upload rejected with into one sentence a person can act
 * on. Nothing technical (stack, raw body) reaches the screen.
 */
import type { ErrorCode } from '../../../shared/api.js';
import { ApiError, EtagMismatchError, FileReadError, IntegrityError, MissingEtagError, NetworkError, PartUploadError } from '../../engine/errors.js';

const API_SENTENCES: Record<ErrorCode, string> = {
  invalid_request: 'The server refused the upload request as malformed. Retry; if it happens again, reload the page.',
  invalid_token: 'The server no longer recognises this upload. Retry to start it again.',
  token_expired: 'This upload took longer than its permission lasts and the permission expired. Retry to start it again.',
  login_required: 'You are not signed in. Sign in again; the upload continues by itself once you have.',
  login_expired: 'Your sign-in has expired. Sign in again; the upload continues by itself once you have.',
  forbidden: 'This upload belongs to another account. Sign in as the person who started it, or start it again.',
  too_many_uploads: 'You have too many unfinished uploads at once. Let some finish or cancel them, then retry.',
  auth_unavailable: 'The sign-in service cannot be reached right now. Try again in a few minutes.',
  file_too_large: 'This file is larger than the server accepts.',
  content_type_not_allowed: 'The server does not accept this type of file.',
  part_out_of_range: 'The upload asked for a part the file does not have. Retry to start it again.',
  missing_parts: 'Some parts did not reach the storage, so the file could not be put together. Retry to upload it again.',
  size_mismatch: 'The stored parts do not add up to the size of the file (did it change on disk?). Retry to upload it again.',
  etag_mismatch: 'A stored part is not the one the browser sent (did the file change on disk?). Retry to upload it again.',
  checksum_mismatch: 'The stored file did not match yours byte for byte, so it was deleted rather than kept. Retry to upload it again.',
  no_such_upload: 'The storage no longer knows this upload (it may have been cleaned up). Retry to start it again.',
  payload_too_large: 'The server refused a request as too large.',
  request_timeout: 'The connection to the server stalled. Check your network, then retry.',
  unsupported_media_type: 'The server refused the request format. Reload the page and try again.',
  not_found: 'The upload service was not found on this server.',
  method_not_allowed: 'This server does not offer the upload service this page expects. Reload the page; if it happens again, the app and server versions differ.',
  rate_limited: 'The server is busy with too many requests. Wait a moment, then retry.',
  storage_unavailable: 'The storage service is not reachable right now. Try again in a few minutes.',
  internal: 'Something went wrong on the server. Try again in a few minutes.',
};

export function describeUploadError(error: unknown): string {
  if (error instanceof MissingEtagError) {
    return "The bucket's CORS settings hide the ETag header, so the browser cannot confirm that parts were stored. An administrator must add ETag to ExposeHeaders in the bucket's CORS configuration.";
  }
  if (error instanceof IntegrityError) return API_SENTENCES.checksum_mismatch;
  if (error instanceof FileReadError) return 'The file could not be read any more (was it moved or changed while uploading?). Choose it again to retry.';
  if (error instanceof PartUploadError) return describePartFailure(error.partNumber, error.status, isCorruption(error));
  if (error instanceof ApiError) {
    if (error.code !== 'unknown' && isErrorCode(error.code)) return API_SENTENCES[error.code];
    if (error.needsSignIn) return API_SENTENCES.login_required;
    if (error.status === 401 || error.status === 403) return API_SENTENCES.token_expired;
    if (error.status >= 500) return API_SENTENCES.internal;
    return 'The server refused the upload. Retry; if it happens again, reload the page.';
  }
  if (error instanceof NetworkError) {
    return 'The connection to the server was lost. Check your network, then retry.';
  }
  return 'Something unexpected went wrong. Retry; if it happens again, reload the page.';
}

/** The part's last attempt was refused as changed on the way (BadDigest) or stored with the wrong MD5. */
function isCorruption(error: PartUploadError): boolean {
  const last = error.cause instanceof PartUploadError ? error.cause : error;
  return last instanceof EtagMismatchError || last.message.includes('BadDigest');
}

function describePartFailure(partNumber: number, status: number | null, corrupted: boolean): string {
  const part = `Part ${partNumber}`;
  if (corrupted) return `${part} kept arriving at the storage with changed bytes, so it was refused each time. Check your network or proxy, then retry.`;
  if (status === null || status === 0) return `${part} could not be sent: the connection to the storage kept failing. Check your network, then retry.`;
  if (status >= 200 && status < 300) {
    return `The storage kept answering ${part.toLowerCase()} without its ETag, so it could not be confirmed as stored. Retry to start again.`;
  }
  if (status === 403) {
    return `The storage refused ${part.toLowerCase()} (access denied, or its upload link expired). Retry to start again.`;
  }
  if (status === 400) return `The storage refused ${part.toLowerCase()} as invalid. Retry to start again.`;
  if (status === 404) return `The storage no longer knows this upload, so ${part.toLowerCase()} was refused. Retry to start again.`;
  if (status >= 500) return `${part} kept failing because the storage had errors (status ${status}). Try again in a few minutes.`;
  return `The storage refused ${part.toLowerCase()} (status ${status}). Retry to start again.`;
}

function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(API_SENTENCES, code);
}
