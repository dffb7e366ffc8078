import { describe, expect, it } from 'vitest';
import { CompleteUploadRequest, CreateUploadRequest } from '../../shared/api.js';
import { InvalidRequestError } from '../errors.js';
import { MAX_ISSUES, MAX_ISSUE_TEXT, parseWith } from './validate.js';
import { errorBody } from './error-handler.js';

function failure(run: () => unknown): InvalidRequestError {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidRequestError) return error;
    throw error;
  }
  throw new Error('expected an InvalidRequestError');
}

describe('parseWith', () => {
  it('answers 30,000 unknown keys (429 KB) with a 400 of a few KB', () => {
    const body: Record<string, unknown> = { fileName: 'a', size: 1 };
    for (let i = 0; i < 30_000; i++) body[`unknown_key_${i}`] = 1;
    expect(JSON.stringify(body).length).toBeGreaterThan(429_000);
    const error = failure(() => parseWith(CreateUploadRequest, body));
    const size = JSON.stringify(errorBody(error)).length;
    expect(size).toBeLessThan(4 * 1024);
    expect(error.message).toMatch(/^invalid request body: Unrecognized keys: "unknown_key_0", "unknown_key_1"/);
  });

  it('keeps at most MAX_ISSUES issues and says how many more there were', () => {
    const parts = Array.from({ length: 10_000 }, () => ({ partNumber: 0, etag: '' }));
    const error = failure(() => parseWith(CompleteUploadRequest, { parts }));
    expect(error.issues).toHaveLength(MAX_ISSUES);
    expect(error.message).toMatch(/and 19990 more issue\(s\)$/);
    expect(JSON.stringify(errorBody(error)).length).toBeLessThan(4 * 1024);
  });

  it('cuts a long path or message', () => {
    const error = failure(() => parseWith(CreateUploadRequest, { fileName: 'a', size: 1, ['k'.repeat(5000)]: 1 }));
    for (const issue of error.issues ?? []) {
      expect(issue.path.length).toBeLessThanOrEqual(MAX_ISSUE_TEXT);
      expect(issue.message.length).toBeLessThanOrEqual(MAX_ISSUE_TEXT);
    }
  });

  it('keeps short issues as they are', () => {
    const error = failure(() => parseWith(CreateUploadRequest, { fileName: 'a', size: -1 }));
    expect(error.issues).toEqual([{ path: 'size', message: expect.stringMatching(/>=0/) }]);
    expect(error.message).toMatch(/^invalid request body: size: /);
  });
});
