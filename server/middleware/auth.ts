/**
 * Who is calling: AUTH_MODE=none lets everyone in as one anonymous owner;
 * jwt verifies the login token from a header or cookie; proxy takes the user
 * header set by an auth proxy, honoured only when the request comes straight
 * from a TRUST_PROXY address.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AuthConfig, JwtAuthConfig } from '../auth/auth-config.js';
import { createJwtVerifier } from '../auth/jwt-verifier.js';
import { MAX_IDENTITY_LENGTH } from '../auth/owner-prefix.js';
import { LoginRequiredError } from '../errors.js';

export interface Caller {
  /** null in open mode: every caller is the same anonymous owner. */
  identity: string | null;
}

const CALLER_KEY = 'caller';

/** Express's compiled 'trust proxy' test: is this address one of the proxies? */
export type TrustProxyFn = (address: string, hop: number) => boolean;

export function authenticate(auth: AuthConfig, trusted: TrustProxyFn): RequestHandler {
  const identify = identifier(auth, trusted);
  return (req: Request, res: Response, next: NextFunction) => {
    identify(req).then((identity) => {
      const caller: Caller = { identity };
      res.locals[CALLER_KEY] = caller;
      next();
    }, next);
  };
}

/** The caller of this request; only valid after authenticate. */
export function callerOf(res: Response): Caller {
  const caller = res.locals[CALLER_KEY] as Caller | undefined;
  if (caller === undefined) throw new Error('callerOf called on a route without authenticate');
  return caller;
}

function identifier(auth: AuthConfig, trusted: TrustProxyFn): (req: Request) => Promise<string | null> {
  switch (auth.mode) {
    case 'none':
      return () => Promise.resolve(null);
    case 'proxy':
      return (req) => Promise.resolve(proxyIdentity(req, auth.userHeader, trusted));
    case 'jwt': {
      const verify = createJwtVerifier(auth);
      return (req) => verify(jwtOf(req, auth));
    }
  }
}

function proxyIdentity(req: Request, header: string, trusted: TrustProxyFn): string {
  const peer = req.socket.remoteAddress;
  if (peer === undefined || !trusted(peer, 0)) {
    throw new LoginRequiredError('sign in through the login page: this server accepts logins only from its auth proxy');
  }
  const user = req.get(header)?.trim();
  if (user === undefined || user === '') throw new LoginRequiredError(`sign in: the auth proxy sent no ${header} header`);
  if (user.length > MAX_IDENTITY_LENGTH) throw new LoginRequiredError(`the ${header} header is longer than ${MAX_IDENTITY_LENGTH} characters`);
  return user;
}

function jwtOf(req: Request, auth: JwtAuthConfig): string {
  const value = req.get(auth.header)?.trim();
  if (value !== undefined && value !== '') {
    if (auth.header !== 'authorization') return value;
    const match = /^Bearer\s+(\S+)$/i.exec(value);
    if (match?.[1] !== undefined) return match[1];
    throw new LoginRequiredError('the Authorization header must be "Bearer <token>"', { bearer: true });
  }
  const fromCookie = auth.cookie === undefined ? undefined : cookieValue(req.headers.cookie, auth.cookie);
  if (fromCookie !== undefined && fromCookie !== '') return fromCookie;
  const where = auth.header === 'authorization' ? 'an Authorization: Bearer header' : `the ${auth.header} header`;
  throw new LoginRequiredError(`sign in: this server needs a login token in ${where}${auth.cookie === undefined ? '' : ` or the ${auth.cookie} cookie`}`, {
    bearer: auth.header === 'authorization',
  });
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq !== -1 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return undefined;
}
