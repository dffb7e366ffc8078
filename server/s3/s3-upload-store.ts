/** UploadStore over the AWS SDK v3 S3 client (AWS S3, Ceph RGW, MinIO, the embedded store). */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  HeadBucketCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
} from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type { StoredPart } from '../../shared/api.js';
import { isUploadGone, s3HttpStatus, translateS3Error } from './errors.js';
import { UploadNotFoundError } from '../errors.js';
import type { EtagKind, PendingUpload, StoredObject, UploadRef, UploadStore } from './upload-store.js';
import { contentDisposition } from './content-disposition.js';
import { UrlSigner } from './url-signer.js';
import { ObjectHeadReader } from './object-head-reader.js';

async function call<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw translateS3Error(error, operation);
  }
}

/** S3 documents that SSE-KMS (aws:kms, aws:kms:dsse) and SSE-C ETags are not MD5s of the data; SSE-S3 (AES256) ones are. */
function etagIsMd5(out: { ServerSideEncryption?: string | undefined; SSECustomerAlgorithm?: string | undefined }): boolean {
  return !out.ServerSideEncryption?.startsWith('aws:kms') && out.SSECustomerAlgorithm === undefined;
}

export class S3UploadStore implements UploadStore {
  readonly #client: S3Client;
  readonly #urlSigner: UrlSigner;
  readonly #heads: ObjectHeadReader;
  readonly bucket: string;

  constructor(options: { client: S3Client; bucket: string }) {
    this.#client = options.client;
    this.#urlSigner = new UrlSigner(options);
    this.#heads = new ObjectHeadReader({ client: options.client, signer: this.#urlSigner });
    this.bucket = options.bucket;
  }

  async createUpload({ key, contentType }: { key: string; contentType: string }): Promise<UploadRef & EtagKind> {
    const out = await call('CreateMultipartUpload', () =>
      this.#client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ContentType: contentType })),
    );
    if (!out.UploadId) throw new Error('CreateMultipartUpload returned no UploadId');
    return { key, uploadId: out.UploadId, etagIsMd5: etagIsMd5(out) };
  }

  signPart(input: UploadRef & { partNumber: number; contentLength: number; contentMd5?: string | undefined; expiresInSeconds: number }): Promise<string> {
    return this.#urlSigner.signPart(input);
  }

  signPut(input: { key: string; contentLength: number; contentType: string; contentMd5?: string | undefined; expiresInSeconds: number }): Promise<string> {
    return this.#urlSigner.signPut(input);
  }

  async listParts({ key, uploadId }: UploadRef): Promise<StoredPart[]> {
    const parts: StoredPart[] = [];
    let marker: string | undefined;
    for (;;) {
      const out = await call('ListParts', () =>
        this.#client.send(new ListPartsCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumberMarker: marker })),
      );
      for (const part of out.Parts ?? []) {
        if (part.PartNumber === undefined) continue;
        parts.push({ partNumber: part.PartNumber, size: part.Size ?? 0, etag: part.ETag ?? '' });
      }
      const next = out.NextPartNumberMarker;
      if (!out.IsTruncated || next === undefined || next === marker) break;
      marker = next;
    }
    return parts.sort((a, b) => a.partNumber - b.partNumber);
  }

  async completeUpload(input: UploadRef & { parts: readonly { partNumber: number; etag: string }[] }): Promise<{ etag: string } & EtagKind> {
    const out = await call('CompleteMultipartUpload', () =>
      this.#client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: input.key,
          UploadId: input.uploadId,
          MultipartUpload: { Parts: input.parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
        }),
      ),
    );
    return { etag: out.ETag ?? '', etagIsMd5: etagIsMd5(out) };
  }

  async deleteObject(key: string): Promise<void> {
    await call('DeleteObject', () => this.#client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })));
  }

  async abortUpload({ key, uploadId }: UploadRef): Promise<void> {
    try {
      await this.#client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }));
    } catch (error) {
      // Already gone is what abort wants; several replicas may race here.
      if (isUploadGone(error)) return;
      throw translateS3Error(error, 'AbortMultipartUpload');
    }
  }

  async listUploads(prefix: string): Promise<PendingUpload[]> {
    const uploads: PendingUpload[] = [];
    for await (const page of this.#uploadPages(prefix, undefined)) uploads.push(...page);
    return uploads;
  }

  async countUploads(prefix: string, atMost: number): Promise<number> {
    let count = 0;
    for await (const page of this.#uploadPages(prefix, Math.min(1000, Math.max(1, atMost)))) {
      count += page.length;
      if (count >= atMost) return atMost;
    }
    return count;
  }

  /** Pages of ListMultipartUploads under the prefix, until the store says there are no more. */
  async *#uploadPages(prefix: string, maxUploads: number | undefined): AsyncGenerator<PendingUpload[]> {
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    for (;;) {
      const out = await call('ListMultipartUploads', () =>
        this.#client.send(
          new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: prefix, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker, MaxUploads: maxUploads }),
        ),
      );
      const page: PendingUpload[] = [];
      for (const upload of out.Uploads ?? []) {
        if (!upload.Key || !upload.UploadId || !upload.Key.startsWith(prefix)) continue;
        page.push({ key: upload.Key, uploadId: upload.UploadId, initiatedAt: upload.Initiated?.getTime() });
      }
      yield page;
      if (!out.IsTruncated) return;
      if (out.NextKeyMarker === keyMarker && out.NextUploadIdMarker === uploadIdMarker) return;
      keyMarker = out.NextKeyMarker;
      uploadIdMarker = out.NextUploadIdMarker;
      if (keyMarker === undefined) return;
    }
  }

  async headObject(key: string): Promise<StoredObject> {
    const head = await call('HeadObject', async () => {
      try {
        return await this.#heads.head(key);
      } catch (error) {
        // A HEAD has no body, so a missing object is a bare 404, not NoSuchKey.
        if (s3HttpStatus(error) === 404) throw new UploadNotFoundError({ cause: error });
        throw error;
      }
    });
    return { etag: head.etag, size: head.size, etagIsMd5: etagIsMd5({ ServerSideEncryption: head.serverSideEncryption, SSECustomerAlgorithm: head.sseCustomerAlgorithm }) };
  }

  async presignGet({ key, fileName, expiresInSeconds }: { key: string; fileName: string; expiresInSeconds: number }): Promise<string> {
    return this.#urlSigner.signGet({ key, contentDisposition: contentDisposition(fileName), expiresInSeconds });
  }

  async checkBucket(): Promise<void> {
    await call('HeadBucket', () => this.#client.send(new HeadBucketCommand({ Bucket: this.bucket })));
  }
}
