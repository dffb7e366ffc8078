import { describe, expect, it } from 'vitest';
import { ApiError, FileTooLargeError, StoreUnavailableError, UploadNotFoundError } from '../errors.js';
import { translateS3Error } from '../s3/errors.js';
import { toApiError } from './error-handler.js';

function sdkError(name: string, status: number): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

describe('toApiError', () => {
  it('keeps typed API errors', () => {
    const error = new FileTooLargeError(10, 5);
    expect(toApiError(error)).toBe(error);
  });

  it.each([
    [{ type: 'entity.parse.failed', status: 400 }, 400, 'invalid_request'],
    [{ type: 'entity.too.large', status: 413, limit: 1024 }, 413, 'payload_too_large'],
    [{ type: 'charset.unsupported', status: 415 }, 415, 'unsupported_media_type'],
    [{ type: 'request.aborted', status: 400 }, 400, 'invalid_request'],
  ])('maps body-parser error %j', (error, status, code) => {
    expect(toApiError(Object.assign(new Error('x'), error))).toMatchObject({ status, code });
  });

  it.each([
    [sdkError('NoSuchUpload', 404), 404, 'no_such_upload'],
    [sdkError('NoSuchKey', 404), 404, 'no_such_upload'],
    [sdkError('ServiceUnavailable', 503), 503, 'storage_unavailable'],
    [sdkError('InternalError', 500), 503, 'storage_unavailable'],
    [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 503, 'storage_unavailable'],
    [new Error('wrapped', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) }), 503, 'storage_unavailable'],
  ])('maps store failure %s', (error, status, code) => {
    const translated = translateS3Error(error, 'Op');
    expect(translated).toBeInstanceOf(status === 404 ? UploadNotFoundError : StoreUnavailableError);
    expect(toApiError(translated)).toMatchObject({ status, code });
  });

  it('leaves unexpected errors for the generic 500', () => {
    expect(translateS3Error(sdkError('AccessDenied', 403), 'Op')).toMatchObject({ name: 'AccessDenied' });
    expect(toApiError(sdkError('AccessDenied', 403))).toBeUndefined();
    expect(toApiError(new TypeError('bug'))).toBeUndefined();
    expect(new FileTooLargeError(1, 0)).toBeInstanceOf(ApiError);
  });
});
