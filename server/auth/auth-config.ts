/**
 * Who may upload, as configured: AUTH_MODE and its settings, checked at
 * startup. Open mode (`none`) is for the zero-config local setup; anywhere
 * else it must be asked for with ALLOW_OPEN=true.
 */
import { createPublicKey } from 'node:crypto';
import { isIP } from 'node:net';

export type AuthMode = 'none' | 'jwt' | 'proxy';

/** Asymmetric only: a JWT signed with a shared secret (HS*) is never accepted. */
export const DEFAULT_JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

export interface JwtAuthConfig {
  mode: 'jwt';
  /** Keys from a JWKS URL, or one PEM public key; exactly one is set. */
  jwksUrl: string | undefined;
  publicKeyPem: string | undefined;
  issuer: string;
  /** The token's `aud` must contain one of these. */
  audience: string[];
  algorithms: string[];
  /** Lower-case header carrying the token; `authorization` expects `Bearer <jwt>`, others the bare JWT. */
  header: string;
  /** Cookie carrying the token, read when the header is absent. */
  cookie: string | undefined;
  /** Claim whose value is the identity. */
  identityClaim: string;
  clockToleranceSeconds: number;
}

export interface ProxyAuthConfig {
  mode: 'proxy';
  /** Lower-case header the auth proxy sets to the signed-in user. */
  userHeader: string;
}

export type AuthConfig = { mode: 'none' } | JwtAuthConfig | ProxyAuthConfig;

export interface AuthEnv {
  AUTH_MODE: AuthMode;
  ALLOW_OPEN: boolean;
  HOST: string;
  TRUST_PROXY: boolean | number | string;
  JWT_JWKS_URL?: string | undefined;
  JWT_PUBLIC_KEY?: string | undefined;
  JWT_ISSUER?: string | undefined;
  JWT_AUDIENCE?: string[] | undefined;
  JWT_ALGORITHMS?: string[] | undefined;
  JWT_HEADER: string;
  JWT_COOKIE?: string | undefined;
  JWT_IDENTITY_CLAIM: string;
  JWT_CLOCK_TOLERANCE_MS: number;
  PROXY_USER_HEADER: string;
}

/** 127.0.0.0/8, ::1 and `localhost`: only this machine can connect. */
export function isLoopbackHost(host: string): boolean {
  const name = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  if (name === 'localhost' || name === '::1') return true;
  return isIP(name) === 4 && name.startsWith('127.');
}

/** A PEM in one environment line may have its newlines written as `\n`. */
export function pemFromEnv(text: string): string {
  return text.includes('\\n') ? text.replace(/\\n/g, '\n') : text;
}

/** Builds the auth settings, pushing one line per problem (each says what to set). */
export function authConfigOf(env: AuthEnv, problems: string[]): AuthConfig {
  const jwtVariables = (['JWT_JWKS_URL', 'JWT_PUBLIC_KEY', 'JWT_ISSUER', 'JWT_AUDIENCE'] as const).filter((name) => env[name] !== undefined);
  if (env.AUTH_MODE !== 'jwt' && jwtVariables.length > 0) {
    problems.push(`${jwtVariables.join(', ')}: set, but AUTH_MODE is ${env.AUTH_MODE}; set AUTH_MODE=jwt to use them, or remove them`);
  }
  switch (env.AUTH_MODE) {
    case 'none':
      if (!isLoopbackHost(env.HOST) && !env.ALLOW_OPEN) {
        problems.push(
          `AUTH_MODE: none (no login) while HOST=${env.HOST} is reachable from other machines, so anyone could upload. ` +
            'Set AUTH_MODE=jwt (with JWT_ISSUER, JWT_AUDIENCE and JWT_JWKS_URL or JWT_PUBLIC_KEY) or AUTH_MODE=proxy (with PROXY_USER_HEADER and TRUST_PROXY), ' +
            'or set ALLOW_OPEN=true to run without login on purpose, or HOST=127.0.0.1',
        );
      }
      return { mode: 'none' };
    case 'proxy':
      return proxyConfigOf(env, problems);
    case 'jwt':
      return jwtConfigOf(env, problems);
  }
}

function proxyConfigOf(env: AuthEnv, problems: string[]): ProxyAuthConfig {
  if (typeof env.TRUST_PROXY !== 'string') {
    problems.push(
      `TRUST_PROXY: AUTH_MODE=proxy honours ${env.PROXY_USER_HEADER} only from the auth proxy, so TRUST_PROXY must list its addresses or subnets ` +
        `(e.g. TRUST_PROXY=10.0.0.5 or 10.0.0.0/8 or loopback), not ${String(env.TRUST_PROXY)}: a hop count or true would let any client set the header`,
    );
  }
  return { mode: 'proxy', userHeader: env.PROXY_USER_HEADER };
}

function jwtConfigOf(env: AuthEnv, problems: string[]): JwtAuthConfig {
  if ((env.JWT_JWKS_URL === undefined) === (env.JWT_PUBLIC_KEY === undefined)) {
    problems.push('JWT_JWKS_URL or JWT_PUBLIC_KEY: AUTH_MODE=jwt needs exactly one, the JWKS URL of your identity provider or its PEM public key');
  }
  const publicKeyPem = env.JWT_PUBLIC_KEY === undefined ? undefined : pemFromEnv(env.JWT_PUBLIC_KEY);
  if (publicKeyPem !== undefined) {
    try {
      const key = createPublicKey(publicKeyPem);
      if (key.type !== 'public') problems.push('JWT_PUBLIC_KEY: must be a public key (-----BEGIN PUBLIC KEY-----)');
    } catch {
      problems.push('JWT_PUBLIC_KEY: not a PEM public key (-----BEGIN PUBLIC KEY-----...; newlines may be written as \\n)');
    }
  }
  if (env.JWT_ISSUER === undefined) problems.push('JWT_ISSUER: required with AUTH_MODE=jwt (your identity provider\'s issuer, the `iss` of its tokens)');
  if (env.JWT_AUDIENCE === undefined || env.JWT_AUDIENCE.length === 0) {
    problems.push('JWT_AUDIENCE: required with AUTH_MODE=jwt (the `aud` your identity provider puts in tokens for this app, e.g. its client id)');
  }
  const algorithms = env.JWT_ALGORITHMS ?? [...DEFAULT_JWT_ALGORITHMS];
  const unknown = algorithms.filter((alg) => !(DEFAULT_JWT_ALGORITHMS as readonly string[]).includes(alg));
  if (unknown.length > 0) problems.push(`JWT_ALGORITHMS: ${unknown.join(', ')} not supported; use some of ${DEFAULT_JWT_ALGORITHMS.join(', ')}`);
  return {
    mode: 'jwt',
    jwksUrl: env.JWT_JWKS_URL,
    publicKeyPem,
    issuer: env.JWT_ISSUER ?? '',
    audience: env.JWT_AUDIENCE ?? [],
    algorithms,
    header: env.JWT_HEADER,
    cookie: env.JWT_COOKIE,
    identityClaim: env.JWT_IDENTITY_CLAIM,
    clockToleranceSeconds: Math.round(env.JWT_CLOCK_TOLERANCE_MS / 1000),
  };
}
