/**
 * The store behind a small interface: everything the routes and the janitor
 * need from S3, and nothing else. Implementations translate failures into the
 * classes in ./errors.ts.
 */
import type { StoredPart } from '../../shared/api.js';

export interface UploadRef {
  key: string;
  uploadId: string;
}

export interface PendingUpload extends UploadRef {
  /** Epoch milliseconds, or undefined when the store does not report it. */
  initiatedAt: number | undefined;
}

export interface StoredObject {
  /** Empty string when the store reports none. */
  etag: string;
  size: number | undefined;
  /** False when the object is encrypted with SSE-KMS or SSE-C: then its ETag is not the MD5 of its bytes. */
  etagIsMd5: boolean;
}

export interface EtagKind {
  /** False when the bucket encrypts with SSE-KMS or SSE-C: then ETags are not MD5s of the bytes. */
  etagIsMd5: boolean;
}

export interface UploadStore {
  readonly bucket: string;
  createUpload(input: { key: string; contentType: string }): Promise<UploadRef & EtagKind>;
  /** A presigned UploadPart URL bound to the part number, its exact Content-Length and, when given, its Content-MD5 (base64). */
  signPart(input: UploadRef & { partNumber: number; contentLength: number; contentMd5?: string | undefined; expiresInSeconds: number }): Promise<string>;
  /** A presigned PutObject URL for a whole object, bound to its exact Content-Length and Content-Type (and Content-MD5 when given). */
  signPut(input: { key: string; contentLength: number; contentType: string; contentMd5?: string | undefined; expiresInSeconds: number }): Promise<string>;
  /** All pages of ListParts, sorted by part number. */
  listParts(upload: UploadRef): Promise<StoredPart[]>;
  /** Returns the final ETag, or '' when the store's response lacks one (Ceph RGW), and whether it derives from part MD5s (not with SSE-KMS/SSE-C). */
  completeUpload(input: UploadRef & { parts: readonly { partNumber: number; etag: string }[] }): Promise<{ etag: string; etagIsMd5: boolean }>;
  /** Deletes an object (one whose bytes failed verification); resolves when it is gone. */
  deleteObject(key: string): Promise<void>;
  /** Resolves when the upload is aborted or already gone. */
  abortUpload(upload: UploadRef): Promise<void>;
  /** All pages of ListMultipartUploads under the prefix. */
  listUploads(prefix: string): Promise<PendingUpload[]>;
  /** Unfinished uploads under the prefix, counting no further than atMost (so at most a page or so is read). */
  countUploads(prefix: string, atMost: number): Promise<number>;
  headObject(key: string): Promise<StoredObject>;
  presignGet(input: { key: string; fileName: string; expiresInSeconds: number }): Promise<string>;
  /** Resolves when the bucket is reachable (HeadBucket). */
  checkBucket(): Promise<void>;
}
