/**
 * A tiny identity provider for tests: an ES256 key pair made at start, its
 * JWKS served over HTTP on a free port, and login tokens signed with it.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';

export interface TestIssuer {
  /** The `iss` of its tokens. */
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl: string;
  /** The public key as PEM (for JWT_PUBLIC_KEY). */
  readonly publicKeyPem: string;
  /** JWKS requests served so far. */
  readonly jwksRequests: number;
  /** A login token for `sub`; expiresIn in seconds (negative: already expired). */
  token(sub: string, options?: { expiresIn?: number; audience?: string; issuer?: string; claims?: Record<string, unknown> }): Promise<string>;
  /** The environment that puts the app in JWT mode against this issuer. */
  env(extra?: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
}

export async function startTestIssuer(audience = 'upload-app'): Promise<TestIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key-1', alg: 'ES256', use: 'sig' };
  const publicKeyPem = await exportSPKI(publicKey);
  let jwksRequests = 0;
  const server = createServer((req, res) => {
    if (req.url !== '/.well-known/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    jwksRequests += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${origin}/`;
  const jwksUrl = `${origin}/.well-known/jwks.json`;
  return {
    issuer,
    audience,
    jwksUrl,
    publicKeyPem,
    get jwksRequests() {
      return jwksRequests;
    },
    async token(sub, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ ...options.claims })
        .setProtectedHeader({ alg: 'ES256', kid: jwk.kid })
        .setSubject(sub)
        .setIssuer(options.issuer ?? issuer)
        .setAudience(options.audience ?? audience)
        .setIssuedAt(now - 60)
        .setExpirationTime(now + (options.expiresIn ?? 3600))
        .sign(privateKey);
    },
    env: (extra = {}) => ({ AUTH_MODE: 'jwt', JWT_JWKS_URL: jwksUrl, JWT_ISSUER: issuer, JWT_AUDIENCE: audience, ...extra }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
