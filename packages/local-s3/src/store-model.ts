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

/** A data file in the key's shard folder; `<sha256(key)>.<uuid>.data`. */
const SegmentFileSchema = z.string().regex(/^[0-9a-f]{64}\.[0-9a-f-]{36}\.data$/);

/** One file of an object's bytes; an object is its segments concatenated in order. */
export const SegmentSchema = z.object({
  file: SegmentFileSchema,
  size: z.number().int().min(0),
});
export type Segment = z.infer<typeof SegmentSchema>;

const ObjectFieldsSchema = z.object({
  key: z.string(),
  size: z.number(),
  /** Quoted, as S3 returns it. */
  etag: z.string(),
  lastModified: z.string(),
  headers: StoredHeadersSchema,
});

/**
 * A PutObject is one segment; a completed multipart upload keeps its part files as
 * segments (moved, not copied). Sidecars from before segments name one `dataFile`;
 * they are read as a one-segment object and rewritten only when the key next changes.
 */
export const ObjectMetaSchema = z.union([
  ObjectFieldsSchema.extend({ segments: z.array(SegmentSchema).min(1) }).refine(
    (o) => o.segments.reduce((sum, s) => sum + s.size, 0) === o.size,
    'segment sizes must add up to the object size',
  ),
  ObjectFieldsSchema.extend({ dataFile: SegmentFileSchema }).transform(({ dataFile, ...fields }) => ({
    ...fields,
    segments: [{ file: dataFile, size: fields.size }],
  })),
]);
export type ObjectMeta = z.output<typeof ObjectMetaSchema>;

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

/**
 * Written in the upload's folder before a Complete moves any part file; names each
 * move so a restart can tell a finished Complete from one to undo (see completion-journal.ts).
 */
export const CompletionIntentSchema = z.object({
  key: z.string(),
  moves: z.array(z.object({ from: PartMetaSchema.shape.dataFile, to: SegmentFileSchema })).min(1),
});
export type CompletionIntent = z.infer<typeof CompletionIntentSchema>;
