/**
 * What the store persists: buckets, objects, multipart uploads and their parts.
 * Sidecars are parsed with these schemas at start, so a damaged file is skipped, not trusted.
 */
import { z } from 'zod';

export const CorsRuleSchema = z.object({
  id: z.string().optional(),
  allowedOrigins: z.array(z.string()),
  allowedMethods: z.array(z.string()),
  allowedHeaders: z.array(z.string()),
  exposeHeaders: z.array(z.string()),
  maxAgeSeconds: z.number().optional(),
});

/** Headers S3 stores with an object and returns on GET/HEAD. */
export const StoredHeadersSchema = z.object({
  contentType: z.string(),
  /** Cache-Control, Content-Disposition, Content-Encoding, Content-Language, Expires and x-amz-meta-*. */
  extra: z.record(z.string(), z.string()),
});
export type StoredHeaders = z.infer<typeof StoredHeadersSchema>;

export const BucketMetaSchema = z.object({
  name: z.string(),
  created: z.string(),
  cors: z.array(CorsRuleSchema).nullable(),
});
export type BucketMeta = z.infer<typeof BucketMetaSchema>;

export const ObjectMetaSchema = z.object({
  key: z.string(),
  size: z.number(),
  /** Quoted, as S3 returns it. */
  etag: z.string(),
  lastModified: z.string(),
  headers: StoredHeadersSchema,
  /** File name (in the key's shard folder) holding the bytes. */
  dataFile: z.string().regex(/^[0-9a-f]{64}\.[0-9a-f-]{36}\.data$/),
});
export type ObjectMeta = z.infer<typeof ObjectMetaSchema>;

export const UploadMetaSchema = z.object({
  uploadId: z.string(),
  bucket: z.string(),
  key: z.string(),
  initiated: z.string(),
  headers: StoredHeadersSchema,
});
export type UploadMeta = z.infer<typeof UploadMetaSchema>;

export const PartMetaSchema = z.object({
  partNumber: z.number().int().min(1).max(10_000),
  size: z.number(),
  /** Quoted md5 hex. */
  etag: z.string(),
  lastModified: z.string(),
  dataFile: z.string().regex(/^\d+\.[0-9a-f-]{36}\.data$/),
});
export type PartMeta = z.infer<typeof PartMetaSchema>;
