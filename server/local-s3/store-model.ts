/** What the store persists: buckets, objects, multipart uploads and their parts. */
import type { CorsRule } from './cors.js';

/** Headers S3 stores with an object and returns on GET/HEAD. */
export interface StoredHeaders {
  contentType: string;
  /** Cache-Control, Content-Disposition, Content-Encoding, Content-Language, Expires and x-amz-meta-*. */
  extra: Record<string, string>;
}

export interface BucketMeta {
  name: string;
  created: string;
  cors: CorsRule[] | null;
}

export interface ObjectMeta {
  key: string;
  size: number;
  /** Quoted, as S3 returns it. */
  etag: string;
  lastModified: string;
  headers: StoredHeaders;
  /** File name (inside the bucket's object folder) holding the bytes. */
  dataFile: string;
}

export interface UploadMeta {
  uploadId: string;
  bucket: string;
  key: string;
  initiated: string;
  headers: StoredHeaders;
}

export interface PartMeta {
  partNumber: number;
  size: number;
  /** Quoted md5 hex. */
  etag: string;
  lastModified: string;
  dataFile: string;
}
