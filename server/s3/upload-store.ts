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
}

export interface UploadStore {
  readonly bucket: string;
  createUpload(input: { key: string; contentType: string }): Promise<UploadRef>;
  /** A presigned UploadPart URL bound to the part number and its exact Content-Length. */
  signPart(input: UploadRef & { partNumber: number; contentLength: number; expiresInSeconds: number }): Promise<string>;
  /** All pages of ListParts, sorted by part number. */
  listParts(upload: UploadRef): Promise<StoredPart[]>;
  /** Returns the final ETag, or '' when the store's response lacks one (Ceph RGW). */
  completeUpload(input: UploadRef & { parts: readonly { partNumber: number; etag: string }[] }): Promise<{ etag: string }>;
  /** Resolves when the upload is aborted or already gone. */
  abortUpload(upload: UploadRef): Promise<void>;
  /** All pages of ListMultipartUploads under the prefix. */
  listUploads(prefix: string): Promise<PendingUpload[]>;
  headObject(key: string): Promise<StoredObject>;
  presignGet(input: { key: string; fileName: string; expiresInSeconds: number }): Promise<string>;
  /** Resolves when the bucket is reachable (HeadBucket). */
  checkBucket(): Promise<void>;
}
