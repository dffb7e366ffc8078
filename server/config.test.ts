import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const SECRET = 's'.repeat(40);

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies documented defaults and generates a secret for the embedded store', () => {
    const config = loadConfig({}, { makeSecret: () => 'generated-secret' });
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      publicOrigin: 'http://localhost:3000',
      s3: { endpoint: undefined, region: 'us-east-1', bucket: 'uploads', forcePathStyle: true },
      keyPrefix: 'uploads/',
      partSize: 8 * 1024 * 1024,
      maxFileSize: 5 * 1024 ** 4,
      allowedContentTypes: [],
      concurrency: 6,
      partIdleTimeoutMs: 30_000,
      tokenSecret: 'generated-secret',
      tokenSecretGenerated: true,
      uploadTtlMs: 24 * 3600 * 1000,
      presignTtlSeconds: 900,
      downloadTtlSeconds: 3600,
      janitorIntervalMs: 3600 * 1000,
      rateLimitPerMinute: 1200,
      rateLimitPerUpload: 300,
      rateLimitRedisUrl: undefined,
      maxOpenUploads: 100,
      auth: { mode: 'none' },
      logLevel: 'info',
      localS3Dir: '.data/s3',
      localS3Port: 9000,
      localS3Host: '127.0.0.1',
      localS3CorsOrigins: undefined,
    });
  });

  it('accepts human sizes and durations', () => {
    const config = loadConfig({
      PART_SIZE: '16MiB',
      MAX_FILE_SIZE: '2 GiB',
      UPLOAD_TTL: '2h',
      PRESIGN_TTL: '15m',
      DOWNLOAD_TTL: '60',
      JANITOR_INTERVAL: '0',
      ALLOWED_CONTENT_TYPES: 'image/*, Application/PDF',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      TOKEN_SECRET: SECRET,
      S3_FORCE_PATH_STYLE: 'false',
      PUBLIC_ORIGIN: 'https://app.example.com/',
    });
    expect(config.partSize).toBe(16 * 1024 * 1024);
    expect(config.maxFileSize).toBe(2 * 1024 ** 3);
    expect(config.uploadTtlMs).toBe(7_200_000);
    expect(config.presignTtlSeconds).toBe(900);
    expect(config.downloadTtlSeconds).toBe(60);
    expect(config.janitorIntervalMs).toBe(0);
    expect(config.allowedContentTypes).toEqual(['image/*', 'application/pdf']);
    expect(config.tokenSecret).toBe(SECRET);
    expect(config.tokenSecretGenerated).toBe(false);
    expect(config.s3.forcePathStyle).toBe(false);
    expect(config.publicOrigin).toBe('https://app.example.com');
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', S3_ENDPOINT: '  ' }).port).toBe(3000);
  });

  it('requires TOKEN_SECRET when S3_ENDPOINT is set', () => {
    expect(problemsOf({ S3_ENDPOINT: 'http://127.0.0.1:9000' })).toEqual([expect.stringMatching(/^TOKEN_SECRET: required when S3_ENDPOINT/)]);
    expect(loadConfig({ S3_ENDPOINT: 'http://127.0.0.1:9000' }, { requireTokenSecret: false }).s3.endpoint).toBe('http://127.0.0.1:9000');
  });

  it('lists every problem at once, each naming its variable', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      PUBLIC_ORIGIN: 'ftp://x',
      PART_SIZE: '1MiB',
      MAX_FILE_SIZE: '6TiB',
      UPLOAD_TTL: 'soon',
      CONCURRENCY: '0',
      LOG_LEVEL: 'loud',
      S3_BUCKET: 'Bad_Bucket',
      TOKEN_SECRET: 'short',
      ALLOWED_CONTENT_TYPES: 'image',
      S3_FORCE_PATH_STYLE: 'maybe',
    });
    const variables = problems.map((p) => p.split(':')[0]);
    expect(variables.sort()).toEqual(
      ['ALLOWED_CONTENT_TYPES', 'CONCURRENCY', 'LOG_LEVEL', 'MAX_FILE_SIZE', 'PART_SIZE', 'PORT', 'PUBLIC_ORIGIN', 'S3_BUCKET', 'S3_FORCE_PATH_STYLE', 'TOKEN_SECRET', 'UPLOAD_TTL'].sort(),
    );
    expect(problems.find((p) => p.startsWith('PART_SIZE'))).toMatch(/between 5242880 and/);
    expect(problems.find((p) => p.startsWith('UPLOAD_TTL'))).toMatch(/"soon" is not a duration/);
  });

  it('checks parts with MD5s by default; CHECKSUM_MODE is md5 or off, anything else is refused by name', () => {
    expect(loadConfig({}, { makeSecret: () => 'x' }).checksumMode).toBe('md5');
    expect(loadConfig({ CHECKSUM_MODE: 'off' }, { makeSecret: () => 'x' }).checksumMode).toBe('off');
    expect(problemsOf({ CHECKSUM_MODE: 'crc32' })).toEqual([expect.stringMatching(/^CHECKSUM_MODE: .*"md5"\|"off"/)]);
  });

  it('refuses a public origin with a path and half-set credentials', () => {
    const problems = problemsOf({ PUBLIC_ORIGIN: 'http://localhost:3000/app' });
    expect(problems).toEqual([expect.stringMatching(/^PUBLIC_ORIGIN: must be an origin/)]);
    expect(problemsOf({ S3_ACCESS_KEY_ID: 'AKIA' })).toEqual([expect.stringMatching(/set both or neither/)]);
  });
});

describe('.env.example', () => {
  it('documents every variable and parses to the defaults', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(new URL('../.env.example', import.meta.url), 'utf8');
    const env = Object.fromEntries([...text.matchAll(/^([A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1] ?? '', m[2] ?? '']));
    expect(Object.keys(env).sort()).toEqual(
      [
        'PORT', 'HOST', 'PUBLIC_ORIGIN', 'S3_ENDPOINT', 'S3_REGION', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'S3_FORCE_PATH_STYLE',
        'KEY_PREFIX', 'PART_SIZE', 'MAX_FILE_SIZE', 'ALLOWED_CONTENT_TYPES', 'CONCURRENCY', 'PART_IDLE_TIMEOUT', 'CHECKSUM_MODE', 'TOKEN_SECRET', 'UPLOAD_TTL', 'PRESIGN_TTL',
        'DOWNLOAD_TTL', 'JANITOR_INTERVAL', 'RATE_LIMIT', 'LOG_LEVEL', 'LOCAL_S3_DIR', 'LOCAL_S3_PORT', 'LOCAL_S3_HOST', 'LOCAL_S3_CORS_ORIGINS', 'TRUST_PROXY',
        'AUTH_MODE', 'ALLOW_OPEN', 'JWT_JWKS_URL', 'JWT_PUBLIC_KEY', 'JWT_ISSUER', 'JWT_AUDIENCE', 'JWT_ALGORITHMS', 'JWT_HEADER', 'JWT_COOKIE',
        'JWT_IDENTITY_CLAIM', 'JWT_CLOCK_TOLERANCE', 'PROXY_USER_HEADER', 'MAX_OPEN_UPLOADS', 'RATE_LIMIT_PER_UPLOAD', 'RATE_LIMIT_REDIS_URL',
      ].sort(),
    );
    const makeSecret = () => 'x';
    expect(loadConfig(env, { makeSecret })).toEqual(loadConfig({}, { makeSecret }));
  });
});
