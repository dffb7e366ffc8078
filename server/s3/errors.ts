/**
 * What the store's failures mean to the rest of the server. The S3 SDK
 * reports service errors by `name` and network failures as Node system
 * errors; the store translates both into the API's typed errors.
 */
import { StoreUnavailableError, UploadNotFoundError } from '../errors.js';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'UND_ERR_SOCKET']);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  cause?: unknown;
}

function shape(error: unknown): SdkErrorShape {
  return typeof error === 'object' && error !== null ? (error as SdkErrorShape) : {};
}

export function s3ErrorName(error: unknown): string | undefined {
  const name = shape(error).name;
  return typeof name === 'string' ? name : undefined;
}

export function s3HttpStatus(error: unknown): number | undefined {
  const status = shape(error).$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/** NoSuchUpload is S3's answer; Ceph RGW answers NoSuchKey for an aborted upload. */
export function isUploadGone(error: unknown): boolean {
  const name = s3ErrorName(error);
  return name === 'NoSuchUpload' || name === 'NoSuchKey';
}

export function isUnreachable(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current !== undefined && depth < 5; current = shape(current).cause, depth++) {
    const { code, name } = shape(current);
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    if (name === 'TimeoutError' || name === 'RequestTimeout' || name === 'ServiceUnavailable' || name === 'SlowDown') return true;
  }
  const status = s3HttpStatus(error);
  return status !== undefined && status >= 500;
}

/** Translates an SDK failure into a typed error where it has a meaning the API reports; other errors pass through. */
export function translateS3Error(error: unknown, operation: string): unknown {
  if (isUploadGone(error)) return new UploadNotFoundError({ cause: new Error(`${operation}: upload not found`, { cause: error }) });
  if (isUnreachable(error)) return new StoreUnavailableError({ cause: new Error(`${operation}: store unavailable`, { cause: error }) });
  return error;
}
