/**
 * Presigned URLs (UploadPart, PutObject, GetObject) without the SDK's
 * per-command middleware stack.
 *
 * `getSignedUrl` builds and runs a whole command for every URL (endpoint
 * resolution, serialization, retry and checksum middleware): about 0.5 ms of
 * CPU each. A 10,000-part upload needs 10,000 URLs and every completed file a
 * download URL, so the server signs from a request template instead: the SDK
 * resolves the bucket's URL once (path-style or virtual-hosted, custom
 * endpoints), and each URL is signed with the SDK's own SigV4 presigner, which
 * caches its signing key, and written out as getSignedUrl writes it (query
 * sorted, RFC 3986 escapes), so the URLs are the same to the byte.
 */
import { UploadPartCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl, S3RequestPresigner } from '@aws-sdk/s3-request-presigner';

export interface PartToSign {
  key: string;
  uploadId: string;
  partNumber: number;
  /** Signed into the URL: the store refuses a body of any other length. */
  contentLength: number;
  /** Base64 MD5 of the part, signed into the URL as the Content-MD5 header: the store answers any other body with BadDigest. */
  contentMd5?: string | undefined;
  expiresInSeconds: number;
  /** For tests: the signing time (defaults to now). */
  signingDate?: Date;
}

export interface ObjectToSign {
  key: string;
  /** Signed into the URL: the store refuses a body of any other length. */
  contentLength: number;
  contentType: string;
  /** Base64 MD5 of the object, signed as the Content-MD5 header: the store answers any other body with BadDigest. */
  contentMd5?: string | undefined;
  expiresInSeconds: number;
  /** For tests: the signing time (defaults to now). */
  signingDate?: Date;
}

export interface ObjectToGet {
  key: string;
  /** Signed into the URL as response-content-disposition: the store answers with this Content-Disposition. */
  contentDisposition: string;
  expiresInSeconds: number;
  /** For tests: the signing time (defaults to now). */
  signingDate?: Date;
}

interface BucketUrl {
  protocol: string;
  hostname: string;
  port: number | undefined;
  /** Path up to the key: "/bucket/" path-style, "/" virtual-hosted. */
  pathPrefix: string;
  host: string;
}

type PresignableRequest = Parameters<S3RequestPresigner['presign']>[0];
/** A presigned request: the signature is in its query, `host` is the one header it must carry as signed. */
export type PresignedRequest = PresignableRequest & { headers: { host: string } };

const PROBE_KEY = 'probe';

const RESERVED_BY_RFC_3986 = /[!'()*]/;

/** RFC 3986 escaping, the SDK's escapeUri: every byte but unreserved characters percent-encoded. */
function escapeUri(text: string): string {
  const encoded = encodeURIComponent(text);
  // Most values (signatures, dates, part numbers) have none of these: skip the replace.
  return RESERVED_BY_RFC_3986.test(encoded) ? encoded.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`) : encoded;
}

/** S3's key encoding: every byte but unreserved characters and "/" percent-encoded (as the SDK does). */
export function encodeKeyPath(key: string): string {
  return key.split('/').map(escapeUri).join('/');
}

/** The query as the SDK's formatUrl writes it: names sorted, names and values RFC 3986-escaped. */
function queryString(query: Record<string, string | string[] | null | undefined>): string {
  const pairs: string[] = [];
  for (const name of Object.keys(query).sort()) {
    const value = query[name];
    if (typeof value === 'string') pairs.push(`${escapeUri(name)}=${escapeUri(value)}`);
  }
  return pairs.join('&');
}

export class UrlSigner {
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #presigner: S3RequestPresigner;
  #bucketUrl: Promise<BucketUrl> | undefined;

  constructor(options: { client: S3Client; bucket: string }) {
    this.#client = options.client;
    this.#bucket = options.bucket;
    this.#presigner = new S3RequestPresigner({ ...options.client.config });
  }

  async signPart(part: PartToSign): Promise<string> {
    return this.#presign(
      part,
      { partNumber: String(part.partNumber), uploadId: part.uploadId, 'x-id': 'UploadPart' },
      {
        'content-length': String(part.contentLength),
        // Not an x-amz- header, so the presigner signs it as a header (the PUT must send it) instead of hoisting it into the query.
        ...(part.contentMd5 !== undefined && { 'content-md5': part.contentMd5 }),
      },
    );
  }

  /**
   * A PutObject URL for a whole small object, bound to its exact Content-Length,
   * Content-Type and, when given, Content-MD5 (signed as headers the PUT must
   * send as they are, so the content-type policy holds for the stored object).
   */
  async signPut(object: ObjectToSign): Promise<string> {
    return this.#presign(
      object,
      { 'x-id': 'PutObject' },
      {
        'content-length': String(object.contentLength),
        'content-type': object.contentType,
        ...(object.contentMd5 !== undefined && { 'content-md5': object.contentMd5 }),
      },
    );
  }

  /** A GetObject URL that downloads the object under its file name (the Content-Disposition the store answers with). */
  async signGet(object: ObjectToGet): Promise<string> {
    return this.#presign(object, { 'response-content-disposition': object.contentDisposition, 'x-id': 'GetObject' }, {}, 'GET');
  }

  /** A HeadObject request signed in its query, like the URLs: the server's own HEAD (object-head-reader.ts) sends it. */
  async presignHead(key: string, expiresInSeconds: number): Promise<PresignedRequest> {
    return this.#presignRequest({ key, expiresInSeconds }, {}, {}, 'HEAD');
  }

  async #presign(
    target: { key: string; expiresInSeconds: number; signingDate?: Date },
    query: Record<string, string>,
    headers: Record<string, string>,
    method: 'PUT' | 'GET' = 'PUT',
  ): Promise<string> {
    const signed = await this.#presignRequest(target, query, headers, method);
    return `${signed.protocol}//${signed.headers.host}${signed.path}?${queryString(signed.query ?? {})}`;
  }

  async #presignRequest(
    target: { key: string; expiresInSeconds: number; signingDate?: Date },
    query: Record<string, string>,
    headers: Record<string, string>,
    method: 'PUT' | 'GET' | 'HEAD',
  ): Promise<PresignedRequest> {
    const base = await this.#resolveBucketUrl();
    const request: PresignableRequest = {
      method,
      protocol: base.protocol,
      hostname: base.hostname,
      ...(base.port !== undefined && { port: base.port }),
      path: base.pathPrefix + encodeKeyPath(target.key),
      query,
      headers: { host: base.host, ...headers },
    };
    const signed = await this.#presigner.presign(request, {
      expiresIn: target.expiresInSeconds,
      signableHeaders: new Set(Object.keys(headers)),
      ...(target.signingDate && { signingDate: target.signingDate }),
    });
    return { ...signed, headers: { ...signed.headers, host: base.host } };
  }

  /** Asks the SDK once where the bucket lives, by presigning a probe URL and keeping all but the key. */
  #resolveBucketUrl(): Promise<BucketUrl> {
    this.#bucketUrl ??= (async () => {
      const probe = new UploadPartCommand({ Bucket: this.#bucket, Key: PROBE_KEY, UploadId: 'probe', PartNumber: 1 });
      const url = new URL(await getSignedUrl(this.#client, probe, { expiresIn: 60 }));
      if (!url.pathname.endsWith(`/${PROBE_KEY}`)) throw new Error(`unexpected presigned URL shape: ${url.pathname}`);
      return {
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port === '' ? undefined : Number(url.port),
        pathPrefix: url.pathname.slice(0, -PROBE_KEY.length),
        host: url.host,
      };
    })();
    this.#bucketUrl.catch(() => (this.#bucketUrl = undefined));
    return this.#bucketUrl;
  }
}
