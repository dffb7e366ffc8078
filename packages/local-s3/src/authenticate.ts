/**
 * Verifies SigV4 on a request (Authorization header or presigned query) and
 * says how the payload must be checked while it streams in.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { S3Error, s3Errors } from './s3-error.js';
import { queryValue } from './request-target.js';
import type { RequestTarget } from './request-target.js';
import {
  SIGV4_ALGORITHM,
  canonicalRequest,
  deriveSigningKey,
  hmacHex,
  parseAmzDate,
  stringToSign,
} from './sigv4.js';

export interface StoreCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

/** How the body is protected; decides hashing and aws-chunked decoding during ingest. */
export type PayloadMode =
  | { kind: 'unsigned' }
  | { kind: 'sha256'; expected: string }
  | { kind: 'chunked-unsigned-trailer' }
  | { kind: 'chunked-signed'; trailer: boolean; chain: ChunkSigningChain };

/** What aws-chunked chunk signatures are chained from (the request's own signature). */
export interface ChunkSigningChain {
  seedSignature: string;
  signingKey: Buffer;
  amzDate: string;
  scope: string;
}

export interface AuthenticatedRequest {
  accessKeyId: string;
  payload: PayloadMode;
  /** Lower-case names of the headers the signature covers; only these may be stored with an object. */
  signedHeaders: ReadonlySet<string>;
}

export interface AuthInput {
  method: string;
  target: RequestTarget;
  rawHeaders: readonly string[];
  headers: IncomingHttpHeaders;
}

const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
const MAX_PRESIGN_EXPIRES_S = 604_800;

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function malformedHeader(message: string): S3Error {
  return new S3Error(400, 'AuthorizationHeaderMalformed', message);
}

function queryParamsError(message: string): S3Error {
  return new S3Error(400, 'AuthorizationQueryParametersError', message);
}

interface Credential {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  scope: string;
}

function parseCredential(value: string, fail: (message: string) => S3Error): Credential {
  const parts = value.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request') {
    throw fail(`the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`);
  }
  const [accessKeyId = '', date = '', region = '', service = ''] = parts;
  return { accessKeyId, date, region, service, scope: parts.slice(1).join('/') };
}

function checkCredential(credential: Credential, amzDate: string, creds: StoreCredentials, fail: (m: string) => S3Error): void {
  if (credential.accessKeyId !== creds.accessKeyId) {
    throw new S3Error(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', {
      extra: { AWSAccessKeyId: credential.accessKeyId },
    });
  }
  if (credential.region !== creds.region) {
    throw fail(`The authorization header is malformed; the region '${credential.region}' is wrong; expecting '${creds.region}'`);
  }
  if (credential.service !== 's3') throw fail('The authorization header is malformed; incorrect service "' + credential.service + '". This endpoint belongs to "s3".');
  if (!amzDate.startsWith(credential.date)) {
    throw fail(`The authorization header is malformed; Invalid credential date "${credential.date}". This date is not the same as X-Amz-Date: "${amzDate.slice(0, 8)}".`);
  }
}

function sameSignature(provided: string, computed: string): boolean {
  const a = Buffer.from(provided);
  const b = Buffer.from(computed);
  return a.length === b.length && timingSafeEqual(a, b);
}

function signatureMismatch(accessKeyId: string, toSign: string, provided: string, canonical: string): S3Error {
  return new S3Error(
    403,
    'SignatureDoesNotMatch',
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    { extra: { AWSAccessKeyId: accessKeyId, StringToSign: toSign, SignatureProvided: provided, CanonicalRequest: canonical } },
  );
}

const STREAMING_MODES = new Set([
  'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
]);

function payloadModeFor(hash: string, chain: ChunkSigningChain): PayloadMode {
  if (hash === 'UNSIGNED-PAYLOAD') return { kind: 'unsigned' };
  if (/^[0-9a-f]{64}$/.test(hash)) return { kind: 'sha256', expected: hash };
  if (hash === 'STREAMING-UNSIGNED-PAYLOAD-TRAILER') return { kind: 'chunked-unsigned-trailer' };
  if (STREAMING_MODES.has(hash)) {
    return { kind: 'chunked-signed', trailer: hash.endsWith('-TRAILER'), chain };
  }
  throw s3Errors.invalidArgument(
    'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.',
    'x-amz-content-sha256',
    hash,
  );
}

function parseSignedHeaders(value: string, fail: (m: string) => S3Error): string[] {
  const names = value.split(';');
  if (names.some((n) => n === '' || n !== n.toLowerCase()) || !names.includes('host')) {
    throw fail('The authorization header is malformed; SignedHeaders must be lower-case, ";"-separated and include host.');
  }
  return names;
}

function verifyHeaderAuth(input: AuthInput, authorization: string, creds: StoreCredentials, now: number): AuthenticatedRequest {
  if (!authorization.startsWith(`${SIGV4_ALGORITHM} `)) {
    throw new S3Error(400, 'InvalidArgument', 'Unsupported Authorization Type', {
      extra: { ArgumentName: 'Authorization', ArgumentValue: authorization.split(' ')[0] ?? '' },
    });
  }
  const fields = new Map<string, string>();
  for (const piece of authorization.slice(SIGV4_ALGORITHM.length + 1).split(',')) {
    const eq = piece.indexOf('=');
    if (eq > 0) fields.set(piece.slice(0, eq).trim(), piece.slice(eq + 1).trim());
  }
  const credentialText = fields.get('Credential');
  const signedHeadersText = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!credentialText || !signedHeadersText || !signature) {
    throw malformedHeader('The authorization header is malformed; it must contain Credential, SignedHeaders and Signature.');
  }
  const amzDate = header(input.headers, 'x-amz-date') ?? '';
  const credential = parseCredential(credentialText, malformedHeader);
  const requestTime = parseAmzDate(amzDate);
  if (requestTime === undefined) {
    throw new S3Error(403, 'AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
  }
  checkCredential(credential, amzDate, creds, malformedHeader);
  if (Math.abs(now - requestTime) > MAX_CLOCK_SKEW_MS) {
    throw new S3Error(403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.', {
      extra: { RequestTime: amzDate, ServerTime: new Date(now).toISOString(), MaxAllowedSkewMilliseconds: String(MAX_CLOCK_SKEW_MS) },
    });
  }
  const payloadHash = header(input.headers, 'x-amz-content-sha256');
  if (payloadHash === undefined) {
    throw s3Errors.invalidRequest('Missing required header for this request: x-amz-content-sha256');
  }
  const signedHeaders = parseSignedHeaders(signedHeadersText, malformedHeader);
  return checkSignature(input, creds, { credential, amzDate, signedHeaders, payloadHash, signature, query: input.target.query });
}

function verifyPresigned(input: AuthInput, creds: StoreCredentials, now: number): AuthenticatedRequest {
  const q = input.target.query;
  const algorithm = queryValue(q, 'X-Amz-Algorithm');
  const credentialText = queryValue(q, 'X-Amz-Credential');
  const amzDate = queryValue(q, 'X-Amz-Date');
  const expiresText = queryValue(q, 'X-Amz-Expires');
  const signedHeadersText = queryValue(q, 'X-Amz-SignedHeaders');
  const signature = queryValue(q, 'X-Amz-Signature');
  if (!algorithm || !credentialText || !amzDate || !expiresText || !signedHeadersText || !signature) {
    throw queryParamsError(
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  }
  if (algorithm !== SIGV4_ALGORITHM) throw queryParamsError('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  const credential = parseCredential(credentialText, queryParamsError);
  const requestTime = parseAmzDate(amzDate);
  if (requestTime === undefined) {
    throw queryParamsError("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  }
  if (!/^\d+$/.test(expiresText)) throw queryParamsError('X-Amz-Expires should be a number');
  const expires = Number(expiresText);
  if (expires > MAX_PRESIGN_EXPIRES_S) {
    throw queryParamsError('X-Amz-Expires must be less than a week (in seconds) that is 604800');
  }
  checkCredential(credential, amzDate, creds, queryParamsError);
  if (requestTime - now > MAX_CLOCK_SKEW_MS) throw s3Errors.accessDenied('Request is not valid yet');
  if (now > requestTime + expires * 1000) {
    throw s3Errors.accessDenied('Request has expired', {
      'X-Amz-Expires': expiresText,
      Expires: new Date(requestTime + expires * 1000).toISOString(),
      ServerTime: new Date(now).toISOString(),
    });
  }
  const payloadHash = queryValue(q, 'X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD';
  const signedHeaders = parseSignedHeaders(signedHeadersText, queryParamsError);
  const query = q.filter(([name]) => name !== 'X-Amz-Signature');
  return checkSignature(input, creds, { credential, amzDate, signedHeaders, payloadHash, signature, query });
}

/**
 * As S3: every x-amz-* header must be signed, or the holder of a presigned URL
 * could add metadata, ACLs or a copy source its signer never allowed.
 * x-amz-content-sha256 is exempt: a presigned request's payload hash is in its
 * signed query, and a header-signed one has the hash in its canonical request.
 */
function refuseUnsignedAmzHeaders(rawHeaders: readonly string[], signedHeaders: readonly string[]): void {
  const unsigned = new Set<string>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    if (name.startsWith('x-amz-') && name !== 'x-amz-content-sha256' && !signedHeaders.includes(name)) unsigned.add(name);
  }
  if (unsigned.size > 0) {
    throw s3Errors.accessDenied('There were headers present in the request which were not signed', { HeadersNotSigned: [...unsigned].join(', ') });
  }
}

/** The part both SigV4 forms share: rebuild the canonical request, sign it, compare. */
function checkSignature(
  input: AuthInput,
  creds: StoreCredentials,
  signed: {
    credential: ReturnType<typeof parseCredential>;
    amzDate: string;
    signedHeaders: ReturnType<typeof parseSignedHeaders>;
    payloadHash: string;
    signature: string;
    query: AuthInput['target']['query'];
  },
): AuthenticatedRequest {
  const { credential, amzDate, signedHeaders, payloadHash, signature, query } = signed;
  refuseUnsignedAmzHeaders(input.rawHeaders, signedHeaders);
  const canonical = canonicalRequest({ method: input.method, rawPath: input.target.rawPath, query, rawHeaders: input.rawHeaders, signedHeaders, payloadHash });
  const signingKey = deriveSigningKey(creds.secretAccessKey, credential.date, credential.region, credential.service);
  const toSign = stringToSign(amzDate, credential.scope, canonical);
  const computed = hmacHex(signingKey, toSign);
  if (!sameSignature(signature, computed)) throw signatureMismatch(credential.accessKeyId, toSign, signature, canonical);
  return {
    accessKeyId: credential.accessKeyId,
    signedHeaders: new Set(signedHeaders),
    payload: payloadModeFor(payloadHash, { seedSignature: computed, signingKey, amzDate, scope: credential.scope }),
  };
}

/** Throws the S3Error S3 would answer with, or returns how to verify the payload. */
export function authenticate(input: AuthInput, creds: StoreCredentials, now: number): AuthenticatedRequest {
  const authorization = header(input.headers, 'authorization');
  const presigned = queryValue(input.target.query, 'X-Amz-Signature') !== undefined || queryValue(input.target.query, 'X-Amz-Algorithm') !== undefined;
  if (authorization !== undefined && presigned) {
    throw s3Errors.invalidArgument('Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified', 'Authorization', authorization);
  }
  if (authorization !== undefined) return verifyHeaderAuth(input, authorization, creds, now);
  if (presigned) return verifyPresigned(input, creds, now);
  throw s3Errors.accessDenied();
}
