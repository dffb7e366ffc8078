import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidTokenError, TokenExpiredError } from './errors.js';
import { signUploadToken, verifyUploadToken } from './upload-token.js';
import type { UploadTokenPayload } from './upload-token.js';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const payload: UploadTokenPayload = { uploadId: 'up-1', key: 'uploads/u/a.bin', size: 20_000_000, partSize: 8_388_608, expiresAt: 10_000 };
const clockAt = (now: number) => ({ now: () => now });

function swapChar(text: string, index: number): string {
  const c = text[index] === 'A' ? 'B' : 'A';
  return text.slice(0, index) + c + text.slice(index + 1);
}

describe('upload token', () => {
  it('round-trips the payload before expiry', () => {
    const token = signUploadToken(payload, SECRET);
    expect(token).toMatch(/^[\w-]+\.[\w-]+$/);
    expect(verifyUploadToken(token, SECRET, clockAt(9_999))).toEqual(payload);
  });

  it('refuses a token at and after expiry with TokenExpiredError', () => {
    const token = signUploadToken(payload, SECRET);
    expect(() => verifyUploadToken(token, SECRET, clockAt(10_000))).toThrow(TokenExpiredError);
    expect(() => verifyUploadToken(token, SECRET, clockAt(99_999))).toThrow(TokenExpiredError);
  });

  it('refuses a token signed with another secret', () => {
    const token = signUploadToken(payload, 'another-secret-that-is-also-long-enough!!');
    expect(() => verifyUploadToken(token, SECRET, clockAt(0))).toThrow(InvalidTokenError);
  });

  it('refuses a tampered payload (bigger size, later expiry)', () => {
    const token = signUploadToken(payload, SECRET);
    const signature = token.split('.')[1];
    for (const forged of [{ ...payload, size: 1e12 }, { ...payload, expiresAt: 1e15 }]) {
      const encoded = Buffer.from(JSON.stringify(forged)).toString('base64url');
      expect(() => verifyUploadToken(`${encoded}.${signature}`, SECRET, clockAt(0))).toThrow('signature is invalid');
    }
  });

  it('refuses a tampered signature', () => {
    const token = signUploadToken(payload, SECRET);
    expect(() => verifyUploadToken(swapChar(token, token.length - 3), SECRET, clockAt(0))).toThrow(InvalidTokenError);
    expect(() => verifyUploadToken(token.slice(0, -2), SECRET, clockAt(0))).toThrow(InvalidTokenError);
  });

  it.each(['', 'abc', 'a.b.c', 'not a token', '.', 'x'.repeat(5000) + '.y'])('refuses malformed token %j', (token) => {
    expect(() => verifyUploadToken(token, SECRET, clockAt(0))).toThrow(InvalidTokenError);
  });

  it('refuses a correctly signed payload of the wrong shape', () => {
    const encoded = Buffer.from(JSON.stringify({ uploadId: 'x' })).toString('base64url');
    const signature = createHmac('sha256', SECRET).update(encoded).digest('base64url');
    expect(() => verifyUploadToken(`${encoded}.${signature}`, SECRET, clockAt(0))).toThrow('payload is malformed');
  });
});
