/**
 * Verifies a login JWT with jose against the identity provider's JWKS (fetched
 * and cached by jose, re-fetched at most every 30 s for an unknown key id) or
 * one configured public key, checking signature, issuer, audience, expiry and
 * the allowed algorithms; returns the identity claim.
 */
import { createPublicKey } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import type { JWTVerifyGetKey } from 'jose';
import { AuthUnavailableError, LoginExpiredError, LoginRequiredError } from '../errors.js';
import type { JwtAuthConfig } from './auth-config.js';
import { MAX_IDENTITY_LENGTH } from './owner-prefix.js';

/** Larger than any real ID token; bounds the work a forged one can cause. */
export const MAX_JWT_LENGTH = 8 * 1024;
const JWKS_TIMEOUT_MS = 5000;

export type JwtVerifier = (jwt: string) => Promise<string>;

export function createJwtVerifier(config: JwtAuthConfig): JwtVerifier {
  const key: JWTVerifyGetKey | ReturnType<typeof createPublicKey> =
    config.jwksUrl !== undefined
      ? createRemoteJWKSet(new URL(config.jwksUrl), { timeoutDuration: JWKS_TIMEOUT_MS })
      : createPublicKey(config.publicKeyPem ?? '');
  const options = {
    issuer: config.issuer,
    audience: config.audience,
    algorithms: config.algorithms,
    clockTolerance: config.clockToleranceSeconds,
    requiredClaims: ['exp'],
  };
  return async (jwt) => {
    if (jwt.length > MAX_JWT_LENGTH) throw new LoginRequiredError(`the login token is longer than ${MAX_JWT_LENGTH} characters`, { bearer: true });
    let payload: Record<string, unknown>;
    try {
      ({ payload } = typeof key === 'function' ? await jwtVerify(jwt, key, options) : await jwtVerify(jwt, key, options));
    } catch (error) {
      throw loginError(error);
    }
    const identity = payload[config.identityClaim];
    if (typeof identity !== 'string' || identity.trim() === '' || identity.length > MAX_IDENTITY_LENGTH) {
      throw new LoginRequiredError(`the login token's "${config.identityClaim}" claim must be a non-empty string of at most ${MAX_IDENTITY_LENGTH} characters`, { bearer: true });
    }
    return identity;
  };
}

function loginError(error: unknown): Error {
  if (error instanceof errors.JWTExpired) return new LoginExpiredError({ cause: error, bearer: true });
  if (error instanceof errors.JWTClaimValidationFailed) return new LoginRequiredError(`the login token was refused: ${error.message}`, { cause: error, bearer: true });
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) {
    return new LoginRequiredError('the login token is not signed by the configured identity provider', { cause: error, bearer: true });
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return new LoginRequiredError('the login token uses a signing algorithm this server does not accept', { cause: error, bearer: true });
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JOSENotSupported || error instanceof errors.JWKSMultipleMatchingKeys) {
    return new LoginRequiredError('the login token is malformed', { cause: error, bearer: true });
  }
  // JWKS fetch: timeout, connection refused, non-200, invalid JSON.
  return new AuthUnavailableError({ cause: error });
}
