import { describe, expect, it } from 'vitest';
import { ApiError, MissingEtagError, NetworkError, PartUploadError } from '../../engine/errors.js';
import { describeUploadError } from './error-message.js';

describe('describeUploadError', () => {
  it('explains a hidden ETag as a CORS setting to change', () => {
    const sentence = describeUploadError(new MissingEtagError(3, 200));
    expect(sentence).toMatch(/^The bucket's CORS settings hide the ETag header/);
    expect(sentence).toContain('ExposeHeaders');
  });

  it('maps API error codes to their own sentences', () => {
    expect(describeUploadError(new ApiError(413, 'file_too_large', 'size 9 exceeds 8'))).toBe('This file is larger than the server accepts.');
    expect(describeUploadError(new ApiError(415, 'content_type_not_allowed', 'x'))).toBe('The server does not accept this type of file.');
    expect(describeUploadError(new ApiError(401, 'token_expired', 'x'))).toMatch(/permission expired/);
    expect(describeUploadError(new ApiError(429, 'rate_limited', 'x'))).toMatch(/busy/);
    expect(describeUploadError(new ApiError(503, 'storage_unavailable', 'x'))).toMatch(/storage service is not reachable/);
  });

  it('falls back on the status when the body carried no known code', () => {
    expect(describeUploadError(new ApiError(403, 'unknown', '<html>'))).toMatch(/permission expired/);
    expect(describeUploadError(new ApiError(502, 'unknown', 'Bad gateway'))).toMatch(/went wrong on the server/);
    expect(describeUploadError(new ApiError(418, 'unknown', 'teapot'))).toMatch(/^The server refused the upload/);
  });

  it('names the part and the kind of refusal for a failed part', () => {
    expect(describeUploadError(new PartUploadError(7, 403))).toBe(
      'The storage refused part 7 (access denied, or its upload link expired). Retry to start again.',
    );
    expect(describeUploadError(new PartUploadError(4, 200))).toMatch(/^The storage kept answering part 4 without its ETag/);
    expect(describeUploadError(new PartUploadError(2, 503))).toMatch(/^Part 2 kept failing because the storage had errors \(status 503\)/);
    expect(describeUploadError(new PartUploadError(9, null, 'gone', { cause: new NetworkError('offline') }))).toMatch(
      /^Part 9 could not be sent: the connection/,
    );
  });

  it('explains a lost connection', () => {
    expect(describeUploadError(new NetworkError('xhr error'))).toMatch(/connection to the server was lost/);
  });

  it('never shows the text of an unexpected error', () => {
    const sentence = describeUploadError(new TypeError("Cannot read properties of undefined (reading 'etag')"));
    expect(sentence).not.toContain('undefined');
    expect(sentence).toMatch(/^Something unexpected went wrong/);
    expect(describeUploadError('a string')).toMatch(/^Something unexpected/);
  });
});
