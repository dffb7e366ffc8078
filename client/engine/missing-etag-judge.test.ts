import { describe, expect, it } from 'vitest';
import { MissingEtagJudge } from './missing-etag-judge.js';

describe('MissingEtagJudge', () => {
  it('calls it CORS only when the first three parts all came back without an ETag and none had one', () => {
    const judge = new MissingEtagJudge(10);
    expect(judge.etagMissing(1)).toBe('retry');
    expect(judge.etagMissing(1)).toBe('retry'); // the same part again: still one part
    expect(judge.etagMissing(2)).toBe('retry');
    expect(judge.etagMissing(3)).toBe('cors');
  });

  it('never calls it CORS once any answer showed an ETag', () => {
    const judge = new MissingEtagJudge(10);
    judge.etagRead();
    for (let n = 1; n <= 20; n += 1) expect(judge.etagMissing(n)).toBe('retry');
  });

  it('asks a one-part file three times before calling it CORS', () => {
    const judge = new MissingEtagJudge(1);
    expect(judge.etagMissing(1)).toBe('retry');
    expect(judge.etagMissing(1)).toBe('retry');
    expect(judge.etagMissing(1)).toBe('cors');
  });
});
