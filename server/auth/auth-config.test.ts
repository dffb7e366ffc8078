import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';
import { isLoopbackHost } from './auth-config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, { makeSecret: () => 'x' });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const jwt = { AUTH_MODE: 'jwt', JWT_ISSUER: 'https://id.example.com/', JWT_AUDIENCE: 'upload-app', JWT_JWKS_URL: 'https://id.example.com/jwks.json' };

describe('AUTH_MODE', () => {
  it('runs open on loopback without being asked', () => {
    for (const HOST of ['127.0.0.1', 'localhost', '::1', '127.0.0.2']) {
      expect(loadConfig({ HOST }, { makeSecret: () => 'x' }).auth).toEqual({ mode: 'none' });
    }
  });

  it('refuses to run open on a public interface, saying exactly what to set', () => {
    const problems = problemsOf({ HOST: '0.0.0.0' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^AUTH_MODE: none \(no login\) while HOST=0\.0\.0\.0 is reachable from other machines/);
    expect(problems[0]).toContain('AUTH_MODE=jwt');
    expect(problems[0]).toContain('AUTH_MODE=proxy');
    expect(problems[0]).toContain('ALLOW_OPEN=true');
  });

  it('runs open on a public interface when ALLOW_OPEN=true says so', () => {
    expect(loadConfig({ HOST: '0.0.0.0', ALLOW_OPEN: 'true' }, { makeSecret: () => 'x' }).auth).toEqual({ mode: 'none' });
  });

  it('parses jwt mode with its defaults', () => {
    expect(loadConfig({ ...jwt, HOST: '0.0.0.0', JWT_AUDIENCE: 'a, b' }, { makeSecret: () => 'x' }).auth).toEqual({
      mode: 'jwt',
      jwksUrl: 'https://id.example.com/jwks.json',
      publicKeyPem: undefined,
      issuer: 'https://id.example.com/',
      audience: ['a', 'b'],
      algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'],
      header: 'authorization',
      cookie: undefined,
      identityClaim: 'sub',
      clockToleranceSeconds: 30,
    });
  });

  it('takes a PEM public key with its newlines written as \\n, and the token from another header or a cookie', () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const auth = loadConfig(
      { ...jwt, JWT_JWKS_URL: '', JWT_PUBLIC_KEY: pem.replace(/\n/g, '\\n'), JWT_HEADER: 'Cf-Access-Jwt-Assertion', JWT_COOKIE: 'CF_Authorization' },
      { makeSecret: () => 'x' },
    ).auth;
    expect(auth).toMatchObject({ mode: 'jwt', publicKeyPem: pem, header: 'cf-access-jwt-assertion', cookie: 'CF_Authorization' });
  });

  it('lists every missing jwt setting', () => {
    expect(problemsOf({ AUTH_MODE: 'jwt' })).toEqual([
      expect.stringMatching(/^JWT_JWKS_URL or JWT_PUBLIC_KEY: AUTH_MODE=jwt needs exactly one/),
      expect.stringMatching(/^JWT_ISSUER: required with AUTH_MODE=jwt/),
      expect.stringMatching(/^JWT_AUDIENCE: required with AUTH_MODE=jwt/),
    ]);
  });

  it('refuses both key sources, a bad PEM, symmetric algorithms and bad header names', () => {
    expect(problemsOf({ ...jwt, JWT_PUBLIC_KEY: 'not a key' })).toEqual([
      expect.stringMatching(/^JWT_JWKS_URL or JWT_PUBLIC_KEY: AUTH_MODE=jwt needs exactly one/),
      expect.stringMatching(/^JWT_PUBLIC_KEY: not a PEM public key/),
    ]);
    expect(problemsOf({ ...jwt, JWT_ALGORITHMS: 'RS256,HS256' })).toEqual([expect.stringMatching(/^JWT_ALGORITHMS: HS256 not supported/)]);
    expect(problemsOf({ ...jwt, JWT_HEADER: 'bad header:' })).toEqual([expect.stringMatching(/^JWT_HEADER: must be an HTTP header name/)]);
  });

  it('refuses JWT settings that would be ignored because AUTH_MODE is not jwt', () => {
    expect(problemsOf({ JWT_ISSUER: 'https://id.example.com/' })).toEqual([
      expect.stringMatching(/^JWT_ISSUER: set, but AUTH_MODE is none; set AUTH_MODE=jwt/),
    ]);
  });

  it('proxy mode needs the proxy\'s addresses in TRUST_PROXY, not a hop count or true', () => {
    for (const TRUST_PROXY of ['false', '1', 'true']) {
      expect(problemsOf({ AUTH_MODE: 'proxy', TRUST_PROXY })).toEqual([expect.stringMatching(/^TRUST_PROXY: AUTH_MODE=proxy honours x-forwarded-user only from the auth proxy/)]);
    }
    const config = loadConfig({ AUTH_MODE: 'proxy', TRUST_PROXY: '10.0.0.0/8', PROXY_USER_HEADER: 'X-Auth-Request-User', HOST: '0.0.0.0' }, { makeSecret: () => 'x' });
    expect(config.auth).toEqual({ mode: 'proxy', userHeader: 'x-auth-request-user' });
  });

  it('checks the limits and the Redis URL', () => {
    expect(problemsOf({ RATE_LIMIT_REDIS_URL: 'http://redis:6379' })).toEqual([expect.stringMatching(/^RATE_LIMIT_REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/)]);
    expect(problemsOf({ MAX_OPEN_UPLOADS: '-1' })).toEqual([expect.stringMatching(/^MAX_OPEN_UPLOADS: must be a whole number/)]);
    const config = loadConfig({ RATE_LIMIT_REDIS_URL: 'redis://:pw@redis.internal:6379/0', MAX_OPEN_UPLOADS: '5', RATE_LIMIT_PER_UPLOAD: '50' }, { makeSecret: () => 'x' });
    expect(config).toMatchObject({ rateLimitRedisUrl: 'redis://:pw@redis.internal:6379/0', maxOpenUploads: 5, rateLimitPerUpload: 50 });
  });
});

describe('isLoopbackHost', () => {
  it('knows loopback from the rest', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1', '[::1]'].map(isLoopbackHost)).toEqual([true, true, true, true, true, true]);
    expect(['0.0.0.0', '::', '10.0.0.1', 'example.com', '128.0.0.1'].map(isLoopbackHost)).toEqual([false, false, false, false, false]);
  });
});
