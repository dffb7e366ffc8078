import { describe, expect, it } from 'vitest';
import { LocalS3Env } from './env.js';

describe('LocalS3Env', () => {
  it('has defaults for everything but the CORS origins', () => {
    expect(LocalS3Env.parse({})).toEqual({ LOCAL_S3_DIR: '.data/s3', LOCAL_S3_PORT: 9000, LOCAL_S3_HOST: '127.0.0.1' });
  });

  it('parses a port and a comma-separated origin list', () => {
    const env = LocalS3Env.parse({ LOCAL_S3_PORT: ' 0 ', LOCAL_S3_CORS_ORIGINS: 'http://a.test, http://b.test,' });
    expect(env).toMatchObject({ LOCAL_S3_PORT: 0, LOCAL_S3_CORS_ORIGINS: ['http://a.test', 'http://b.test'] });
  });

  it('names the variable that is wrong', () => {
    const result = LocalS3Env.safeParse({ LOCAL_S3_PORT: '70000' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['LOCAL_S3_PORT']);
    expect(LocalS3Env.safeParse({ LOCAL_S3_PORT: '9000x' }).error?.issues[0]?.message).toBe('must be a whole number');
  });
});
