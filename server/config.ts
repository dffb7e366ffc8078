/**
 * Server configuration from the environment, parsed with zod at startup.
 * Every variable is documented in .env.example. Sizes accept "8MiB"-style
 * units; durations accept "24h"-style units (a bare number is seconds).
 */
import { randomBytes } from 'node:crypto';
import { LocalS3Env } from '@s3-big-upload/local-s3';
import { z } from 'zod';
import { ChecksumMode } from '../shared/api.js';
import { DEFAULT_PART_SIZE, S3_MAX_OBJECT_SIZE, S3_MAX_PART_SIZE, S3_MIN_PART_SIZE } from '../shared/limits.js';
import { authConfigOf } from './auth/auth-config.js';
import type { AuthConfig } from './auth/auth-config.js';
import { parseDurationMs, parseSize } from './human-units.js';

export interface Config {
  port: number;
  host: string;
  /** Origin the browser loads the app from; CORS on the bucket must allow it. */
  publicOrigin: string;
  s3: {
    /** Undefined: run the embedded store in-process. */
    endpoint: string | undefined;
    region: string;
    bucket: string;
    accessKeyId: string | undefined;
    secretAccessKey: string | undefined;
    forcePathStyle: boolean;
  };
  keyPrefix: string;
  partSize: number;
  maxFileSize: number;
  /** Empty: every content type is allowed. Entries are lower-case `type/subtype` or `type/*`. */
  allowedContentTypes: string[];
  concurrency: number;
  /** md5: part PUTs carry a signed Content-MD5 and complete checks the object's ETag; off: neither. */
  checksumMode: ChecksumMode;
  /** A part attempt with no upload progress for this long is cut and retried (in the browser). */
  partIdleTimeoutMs: number;
  tokenSecret: string;
  /** True when TOKEN_SECRET was unset and a random one was made for this process. */
  tokenSecretGenerated: boolean;
  uploadTtlMs: number;
  presignTtlSeconds: number;
  downloadTtlSeconds: number;
  /** 0 disables the janitor timer. */
  janitorIntervalMs: number;
  /** Who may upload: open, JWT bearer/OIDC, or a trusted auth proxy's user header. */
  auth: AuthConfig;
  /** Most unfinished uploads one owner may have at once, counted on the store; 0: no limit. */
  maxOpenUploads: number;
  /** Calls per minute per client (identity, or IP when open) that start uploads or read config; 0 disables. */
  rateLimitPerMinute: number;
  /** Calls per minute on one upload (sign, parts, complete, abort); 0 disables. */
  rateLimitPerUpload: number;
  /** Redis shared by the replicas' rate limiters; undefined keeps counts in this process. */
  rateLimitRedisUrl: string | undefined;
  /** Express's 'trust proxy': false, a hop count, or addresses/subnets of the proxies in front. */
  trustProxy: boolean | number | string;
  /** Bearer token /metrics requires; undefined: /metrics is off (404). */
  metricsToken: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  localS3Dir: string;
  /** Port of the embedded store; 0 picks a free one. Fixed ports keep presigned URLs valid across restarts. */
  localS3Port: number;
  localS3Host: string;
  /** Undefined: PUBLIC_ORIGIN and its loopback aliases. */
  localS3CorsOrigins: string[] | undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly problems: string[];
  constructor(problems: string[], options?: { cause?: unknown }) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`, options);
    this.problems = problems;
  }
}

const MAX_PRESIGN_SECONDS = 7 * 24 * 3600; // SigV4's limit

function size(min: number, max: number) {
  return z.string().transform((text, ctx) => {
    const bytes = parseSize(text);
    if (bytes === undefined) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not a size (e.g. 8MiB, 5TiB, 1048576)` });
      return z.NEVER;
    }
    if (bytes < min || bytes > max) {
      ctx.addIssue({ code: 'custom', message: `must be between ${min} and ${max} bytes, got ${bytes}` });
      return z.NEVER;
    }
    return bytes;
  });
}

function durationMs(minMs: number, maxMs: number) {
  return z.string().transform((text, ctx) => {
    const ms = parseDurationMs(text);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration (e.g. 900, 15m, 24h)` });
      return z.NEVER;
    }
    if (ms < minMs || ms > maxMs) {
      ctx.addIssue({ code: 'custom', message: `must be between ${minMs / 1000}s and ${maxMs / 1000}s, got ${ms / 1000}s` });
      return z.NEVER;
    }
    return ms;
  });
}

function integer(min: number, max: number) {
  return z
    .string()
    .regex(/^\s*\d+\s*$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}

const bool = z
  .string()
  .transform((v) => v.trim().toLowerCase())
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no']))
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const origin = z.url({ protocol: /^https?$/ }).transform((url, ctx) => {
  const parsed = new URL(url);
  if (parsed.pathname !== '/' || parsed.search || parsed.hash) {
    ctx.addIssue({ code: 'custom', message: `must be an origin like https://app.example.com, without a path, got ${url}` });
    return z.NEVER;
  }
  return parsed.origin;
});

/** A comma-separated list, trimmed, empty entries dropped. */
const list = z.string().transform((text) => text.split(',').map((s) => s.trim()).filter(Boolean));

/** An HTTP header or cookie name (RFC 9110 token), lower-cased for headers. */
const headerName = z
  .string()
  .trim()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name (letters, digits, -)')
  .transform((name) => name.toLowerCase());
const cookieName = z.string().trim().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be a cookie name (letters, digits, -_.)');

const contentTypeList = z.string().transform((text, ctx) => {
  const entries = text.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  for (const entry of entries) {
    if (!/^[\w.+-]+\/(\*|[\w.+-]+)$/.test(entry)) ctx.addIssue({ code: 'custom', message: `"${entry}" is not type/subtype or type/*` });
  }
  return entries;
});

const EnvSchema = z.object({
  PORT: integer(0, 65_535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_ORIGIN: origin.default('http://localhost:3000'),
  S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name (3-63 of a-z 0-9 . -)')
    .default('uploads'),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: bool.default(true),
  KEY_PREFIX: z
    .string()
    .regex(/^(?!\/)[\w!\-.*'()/]*$/, 'must use only letters, digits and !-_.*\'()/ and not start with /')
    .max(256)
    .default('uploads/'),
  PART_SIZE: size(S3_MIN_PART_SIZE, S3_MAX_PART_SIZE).default(DEFAULT_PART_SIZE),
  MAX_FILE_SIZE: size(0, S3_MAX_OBJECT_SIZE).default(S3_MAX_OBJECT_SIZE),
  ALLOWED_CONTENT_TYPES: contentTypeList.default([]),
  CONCURRENCY: integer(1, 64).default(6),
  CHECKSUM_MODE: ChecksumMode.default('md5'),
  PART_IDLE_TIMEOUT: durationMs(1000, 3_600_000).default(30_000),
  TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters (e.g. `openssl rand -base64 48`)').optional(),
  UPLOAD_TTL: durationMs(60_000, 30 * 86_400_000).default(86_400_000),
  PRESIGN_TTL: durationMs(1000, MAX_PRESIGN_SECONDS * 1000).default(900_000),
  DOWNLOAD_TTL: durationMs(1000, MAX_PRESIGN_SECONDS * 1000).default(3_600_000),
  JANITOR_INTERVAL: durationMs(0, 7 * 86_400_000).default(3_600_000),
  AUTH_MODE: z.enum(['none', 'jwt', 'proxy'], 'must be none, jwt or proxy').default('none'),
  ALLOW_OPEN: bool.default(false),
  JWT_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
  JWT_PUBLIC_KEY: z.string().optional(),
  JWT_ISSUER: z.string().trim().min(1).optional(),
  JWT_AUDIENCE: list.optional(),
  JWT_ALGORITHMS: list.optional(),
  JWT_HEADER: headerName.default('authorization'),
  JWT_COOKIE: cookieName.optional(),
  JWT_IDENTITY_CLAIM: z.string().trim().min(1).max(256).default('sub'),
  JWT_CLOCK_TOLERANCE: durationMs(0, 600_000).default(30_000),
  PROXY_USER_HEADER: headerName.default('x-forwarded-user'),
  MAX_OPEN_UPLOADS: integer(0, 100_000).default(100),
  RATE_LIMIT: integer(0, 1_000_000).default(1200),
  RATE_LIMIT_PER_UPLOAD: integer(0, 1_000_000).default(300),
  RATE_LIMIT_REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
  TRUST_PROXY: z
    .string()
    .transform((text): boolean | number | string => {
      const value = text.trim().toLowerCase();
      if (value === 'false' || value === '0') return false;
      if (/^\d+$/.test(value)) return Number(value);
      return value === 'true' ? true : text.trim();
    })
    .default(false),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters (e.g. `openssl rand -hex 24`)').regex(/^\S+$/, 'must not contain spaces').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
}).extend(LocalS3Env.shape);

/** Parses the environment; throws ConfigError listing every problem. Empty values count as unset. */
export interface LoadConfigOptions {
  /** Makes the per-process secret used when TOKEN_SECRET is unset with the embedded store. */
  makeSecret?: () => string;
  /** False for tools that never sign tokens (the janitor). Default true. */
  requireTokenSecret?: boolean;
}

export function loadConfig(env: Readonly<Record<string, string | undefined>>, options: LoadConfigOptions = {}): Config {
  const makeSecret = options.makeSecret ?? (() => randomBytes(32).toString('base64url'));
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const parsed = EnvSchema.safeParse(present);
  const problems: string[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`);
  if (parsed.success) {
    const e = parsed.data;
    if (e.S3_ENDPOINT !== undefined && e.TOKEN_SECRET === undefined && options.requireTokenSecret !== false) {
      problems.push('TOKEN_SECRET: required when S3_ENDPOINT is set, so every replica verifies the same tokens (e.g. `openssl rand -base64 48`)');
    }
    if ((e.S3_ACCESS_KEY_ID === undefined) !== (e.S3_SECRET_ACCESS_KEY === undefined)) {
      problems.push('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY: set both or neither');
    }
  }
  const auth = parsed.success ? authConfigOf({ ...parsed.data, JWT_CLOCK_TOLERANCE_MS: parsed.data.JWT_CLOCK_TOLERANCE }, problems) : undefined;
  if (!parsed.success || auth === undefined || problems.length > 0) throw new ConfigError(problems, parsed.success ? undefined : { cause: parsed.error });
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    publicOrigin: e.PUBLIC_ORIGIN,
    s3: {
      endpoint: e.S3_ENDPOINT,
      region: e.S3_REGION,
      bucket: e.S3_BUCKET,
      accessKeyId: e.S3_ACCESS_KEY_ID,
      secretAccessKey: e.S3_SECRET_ACCESS_KEY,
      forcePathStyle: e.S3_FORCE_PATH_STYLE,
    },
    keyPrefix: e.KEY_PREFIX,
    partSize: e.PART_SIZE,
    maxFileSize: e.MAX_FILE_SIZE,
    allowedContentTypes: e.ALLOWED_CONTENT_TYPES,
    concurrency: e.CONCURRENCY,
    checksumMode: e.CHECKSUM_MODE,
    partIdleTimeoutMs: e.PART_IDLE_TIMEOUT,
    tokenSecret: e.TOKEN_SECRET ?? makeSecret(),
    tokenSecretGenerated: e.TOKEN_SECRET === undefined,
    uploadTtlMs: e.UPLOAD_TTL,
    presignTtlSeconds: Math.round(e.PRESIGN_TTL / 1000),
    downloadTtlSeconds: Math.round(e.DOWNLOAD_TTL / 1000),
    janitorIntervalMs: e.JANITOR_INTERVAL,
    auth,
    maxOpenUploads: e.MAX_OPEN_UPLOADS,
    rateLimitPerMinute: e.RATE_LIMIT,
    rateLimitPerUpload: e.RATE_LIMIT_PER_UPLOAD,
    rateLimitRedisUrl: e.RATE_LIMIT_REDIS_URL,
    trustProxy: e.TRUST_PROXY,
    metricsToken: e.METRICS_TOKEN,
    logLevel: e.LOG_LEVEL,
    localS3Dir: e.LOCAL_S3_DIR,
    localS3Port: e.LOCAL_S3_PORT,
    localS3Host: e.LOCAL_S3_HOST,
    localS3CorsOrigins: e.LOCAL_S3_CORS_ORIGINS,
  };
}
