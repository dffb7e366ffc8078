/** Helpers the conformance suite shares: deterministic bodies, S3's ETag rules, presigned part PUTs. */
import { createHash, randomBytes } from 'node:crypto';
import { CreateMultipartUploadCommand, UploadPartCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
export const MiB = 1024 * 1024;


/** Random bytes typed as fetch accepts them as a body. */
export function body(size: number): Uint8Array<ArrayBuffer> {
  return new Uint8Array(randomBytes(size));
}

/** A part's ETag: its quoted MD5. */
export function partEtag(data: Uint8Array): string {
  return `"${createHash('md5').update(data).digest('hex')}"`;
}

/** A multipart object's ETag: MD5 of the parts' binary MD5s, then "-<part count>". */
export function multipartEtag(parts: Uint8Array[]): string {
  const md5s = parts.map((p) => createHash('md5').update(p).digest());
  return `"${createHash('md5').update(Buffer.concat(md5s)).digest('hex')}-${parts.length}"`;
}

/** A key no other test in the same bucket uses. */
export function uniqueKey(prefix: string): string {
  return `${prefix}/${Date.now().toString(36)}-${randomBytes(3).toString('hex')}.bin`;
}

export async function createUpload(s3: S3Client, bucket: string, key: string): Promise<string> {
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  if (UploadId === undefined) throw new Error('CreateMultipartUpload returned no UploadId');
  return UploadId;
}

/** How the app signs parts: the exact Content-Length is a signed header. */
export function signPart(s3: S3Client, target: { bucket: string; key: string; uploadId: string }, partNumber: number, size: number, expiresIn = 300): Promise<string> {
  const command = new UploadPartCommand({ Bucket: target.bucket, Key: target.key, UploadId: target.uploadId, PartNumber: partNumber, ContentLength: size });
  return getSignedUrl(s3, command, { expiresIn, signableHeaders: new Set(['content-length']) });
}

export function putPart(url: string, data: Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'PUT', body: data, headers });
}

/** Signs and PUTs one part as a browser would; returns its ETag. */
export async function uploadPart(s3: S3Client, target: { bucket: string; key: string; uploadId: string }, partNumber: number, data: Uint8Array<ArrayBuffer>): Promise<string> {
  const response = await putPart(await signPart(s3, target, partNumber, data.length), data);
  const etag = response.headers.get('etag');
  if (response.status !== 200 || etag === null) throw new Error(`part ${partNumber}: HTTP ${response.status} ${await response.text()}`);
  return etag;
}

export interface S3ErrorBody {
  status: number;
  code: string | undefined;
  message: string | undefined;
}

/** Status and S3 error code of a raw HTTP response (the XML <Error> body). */
export async function s3ErrorOf(response: Response): Promise<S3ErrorBody> {
  const text = await response.text();
  const field = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(text)?.[1];
  return { status: response.status, code: field('Code'), message: field('Message') };
}
