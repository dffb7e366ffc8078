/**
 * Stateless upload tokens: base64url(JSON payload) + "." + base64url(HMAC-SHA256).
 * Any replica holding the same secret verifies any token, so no upload state
 * lives in server memory.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from './clock.js';
import { InvalidTokenError, TokenExpiredError } from './errors.js';

export const UploadTokenPayload = z.strictObject({
  uploadId: z.string(),
  key: z.string().min(1),
  size: z.number().int().min(0),
  partSize: z.number().int().min(1),
  /** Epoch milliseconds. */
  expiresAt: z.number().int(),
  /** A single-PUT upload (one PutObject to `key`, no multipart upload; uploadId is empty). */
  single: z.literal(true).optional(),
  /** A single upload's Content-Type, signed into its PutObject URLs (multipart sets it at create). */
  contentType: z.string().optional(),
  /** A single upload's Content-MD5 (base64) from create, signed into its PutObject URLs and checked at complete. */
  contentMd5: z.string().optional(),
  /** The identity that started the upload; null (or absent, in tokens from before logins) in open mode. */
  owner: z.string().nullable().optional(),
});
export type UploadTokenPayload = z.infer<typeof UploadTokenPayload>;

const TOKEN_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const MAX_TOKEN_LENGTH = 4096;

function mac(secret: string, encodedPayload: string): Buffer {
  return createHmac('sha256', secret).update(encodedPayload).digest();
}

export function signUploadToken(payload: UploadTokenPayload, secret: string): string {
  const encoded = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${encoded}.${mac(secret, encoded).toString('base64url')}`;
}

/** Returns the payload of a genuine, unexpired token; throws InvalidTokenError or TokenExpiredError otherwise. */
export function verifyUploadToken(token: string, secret: string, clock: Clock): UploadTokenPayload {
  if (token.length > MAX_TOKEN_LENGTH || !TOKEN_SHAPE.test(token)) throw new InvalidTokenError('upload token is malformed');
  const [encoded = '', signature = ''] = token.split('.');
  const expected = mac(secret, encoded);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new InvalidTokenError('upload token signature is invalid');
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch (cause) {
    throw new InvalidTokenError('upload token payload is malformed', { cause });
  }
  const parsed = UploadTokenPayload.safeParse(json);
  if (!parsed.success) throw new InvalidTokenError('upload token payload is malformed', { cause: parsed.error });
  if (clock.now() >= parsed.data.expiresAt) throw new TokenExpiredError(parsed.data.expiresAt);
  return parsed.data;
}
