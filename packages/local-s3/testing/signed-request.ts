/**
 * SigV4 header signing of any request a test makes up (hostile bodies, odd
 * paths), with the AWS SDK's own signer, so tests need not trust the store's
 * SigV4 code to prove the store's other checks.
 */
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

export interface SigningIdentity {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface RequestToSign {
  method: string;
  /** Path as sent, already percent-encoded, e.g. `/bucket/key`. */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string | Uint8Array<ArrayBuffer>;
  /** Default: the body's real SHA-256. */
  payloadHash?: string;
  /** Default: now. */
  signingDate?: Date;
}

export interface SignedRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | Uint8Array<ArrayBuffer> | undefined;
}

class NodeSha256 {
  readonly #hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#hash.update(toBuffer(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.#hash.digest()));
  }
  reset(): void {}
}

function toBuffer(data: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

export async function signRequest(identity: SigningIdentity, request: RequestToSign): Promise<SignedRequest> {
  const url = new URL(identity.endpoint);
  const signer = new SignatureV4({
    service: 's3',
    region: identity.region,
    credentials: { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey },
    sha256: NodeSha256,
    uriEscapePath: false,
    applyChecksum: false,
  });
  const body = request.body;
  const payloadHash = request.payloadHash ?? createHash('sha256').update(body ?? '').digest('hex');
  const signed = await signer.sign({
    method: request.method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    // S3's canonical URI: each raw segment decoded, then encoded once (so %2E%2E signs as ..).
    path: request.path
      .split('/')
      .map((segment) => encodeURIComponent(decodeURIComponent(segment)).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
      .join('/'),
    query: request.query ?? {},
    headers: { host: url.host, 'x-amz-content-sha256': payloadHash, ...request.headers },
    body,
  }, request.signingDate === undefined ? {} : { signingDate: request.signingDate });
  const query = Object.entries(request.query ?? {})
    .map(([k, v]) => (v === '' ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`))
    .join('&');
  const headers = Object.fromEntries(Object.entries(signed.headers).filter(([name]) => name !== 'host')) as Record<string, string>;
  return { url: `${url.origin}${request.path}${query ? `?${query}` : ''}`, method: request.method, headers, body };
}

/** Signs and sends; answers status and body text. */
export async function sendSigned(identity: SigningIdentity, request: RequestToSign): Promise<{ status: number; text: string; headers: Headers }> {
  const signed = await signRequest(identity, request);
  const response = await fetch(signed.url, { method: signed.method, headers: signed.headers, ...(signed.body !== undefined && { body: signed.body }) });
  return { status: response.status, text: await response.text(), headers: response.headers };
}
