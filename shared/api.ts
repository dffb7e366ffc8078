/**
 * The HTTP API contract between browser and server. Every route parses its
 * input with these schemas; the client uses the inferred types.
 *
 * Upload-scoped routes identify the upload by the token from create, sent in
 * the `X-Upload-Token` header (never in a URL).
 */
import { z } from 'zod';
import { MAX_BATCH_FILES, MAX_SIGN_BATCH, S3_MAX_PARTS } from './limits.js';

export const UPLOAD_TOKEN_HEADER = 'x-upload-token';

export { API_PREFIX, API_ROUTES } from './api-routes.js';

const PartNumber = z.number().int().min(1).max(S3_MAX_PARTS);

/**
 * An RFC 7231 media type: `type/subtype` with optional `; name=value` parameters,
 * tokens or quoted strings of printable ASCII. It becomes the object's
 * Content-Type header, so CR, LF, NUL and anything beyond ASCII must not pass.
 * Empty means "not given".
 */
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const QUOTED = '"(?:[\\t !#-\\[\\]-~]|\\\\[\\t -~])*"';
export const MEDIA_TYPE = new RegExp(`^(?:${TOKEN}/${TOKEN}(?:[ \\t]*;[ \\t]*${TOKEN}=(?:${TOKEN}|${QUOTED}))*)?$`);

/**
 * How parts are verified: `md5` (each part PUT carries a signed Content-MD5 the
 * store enforces, and complete checks the object's multipart ETag) or `off`.
 */
export const CHECKSUM_MODES = ['md5', 'off'] as const;
export const ChecksumMode = z.enum(CHECKSUM_MODES);
export type ChecksumMode = z.infer<typeof ChecksumMode>;

/** A part's MD5 as S3's Content-MD5 header carries it: base64 of the 16 digest bytes. */
export const ContentMd5 = z.string().regex(/^[A-Za-z0-9+/]{21}[AQgw]==$/, 'md5 must be the base64 of a 16-byte MD5 digest (as in Content-MD5)');

/** S3's multipart ETag: hex MD5 of the concatenated binary part MD5s, then "-" and the part count. */
export const MultipartEtag = z.string().regex(/^[0-9a-f]{32}-[1-9][0-9]{0,4}$/, 'expectedEtag must look like "<32 hex digits>-<part count>"');

export const CreateUploadRequest = z.strictObject({
  fileName: z.string().trim().min(1, 'fileName must not be empty').max(1024),
  size: z.number().int().min(0),
  contentType: z.string().max(255).regex(MEDIA_TYPE, 'contentType must look like type/subtype or type/subtype; name=value (RFC 7231 media type, printable ASCII only)').optional(),
});
export type CreateUploadRequest = z.infer<typeof CreateUploadRequest>;

export const CreateUploadResponse = z.object({
  uploadId: z.string(),
  key: z.string(),
  size: z.number(),
  partSize: z.number(),
  partCount: z.number(),
  token: z.string(),
  /** Epoch milliseconds after which the token is refused. */
  expiresAt: z.number(),
  checksum: z.object({
    mode: ChecksumMode,
    /**
     * Whether the store's part and object ETags are MD5s of the bytes (false
     * with SSE-KMS or SSE-C), so the client can compare them with its own.
     */
    etagIsMd5: z.boolean(),
  }),
  /** A file that fits in one part, stored with one PutObject (from the batch route); sign, complete and abort take its token as usual. */
  single: z.literal(true).optional(),
});
export type CreateUploadResponse = z.infer<typeof CreateUploadResponse>;

export const PartToSign = z.strictObject({
  partNumber: PartNumber,
  /** Required when the upload's checksum mode is md5: signed into the URL, so the store refuses other bytes. */
  md5: ContentMd5.optional(),
});
export type PartToSign = z.infer<typeof PartToSign>;

export const SignPartsRequest = z.strictObject({
  parts: z
    .array(PartToSign)
    .min(1, 'parts must name at least one part')
    .max(MAX_SIGN_BATCH, `at most ${MAX_SIGN_BATCH} parts per call`)
    .refine((parts) => new Set(parts.map((p) => p.partNumber)).size === parts.length, 'part numbers must not repeat'),
});
export type SignPartsRequest = z.infer<typeof SignPartsRequest>;

export const SignedPart = z.object({
  partNumber: z.number(),
  url: z.string(),
  /** Exact Content-Length the URL is signed for. */
  size: z.number(),
  /** Epoch milliseconds after which the URL is refused by the store. */
  expiresAt: z.number(),
  /** Headers the PUT must send as they are, because they are signed (Content-MD5). */
  headers: z.record(z.string(), z.string()),
});
export type SignedPart = z.infer<typeof SignedPart>;

export const SignPartsResponse = z.object({ parts: z.array(SignedPart) });

/** Small files created in one call; each must fit in one part (size ≤ the server's part size). */
export const CreateBatchFile = CreateUploadRequest.extend({
  /** The whole file's MD5 (Content-MD5 base64); required when the server's checksum mode is md5. */
  md5: ContentMd5.optional(),
});
export type CreateBatchFile = z.infer<typeof CreateBatchFile>;

export const CreateBatchRequest = z.strictObject({
  files: z
    .array(CreateBatchFile)
    .min(1, 'files must name at least one file')
    .max(MAX_BATCH_FILES, `at most ${MAX_BATCH_FILES} files per call`),
});
export type CreateBatchRequest = z.infer<typeof CreateBatchRequest>;

/** A created single-PUT upload with its presigned PutObject URL (part 1): create and sign in one answer. */
export const SingleUploadResponse = CreateUploadResponse.extend({ single: z.literal(true), part: SignedPart });
export type SingleUploadResponse = z.infer<typeof SingleUploadResponse>;

export type SignPartsResponse = z.infer<typeof SignPartsResponse>;

export const StoredPart = z.object({ partNumber: z.number(), size: z.number(), etag: z.string() });
export type StoredPart = z.infer<typeof StoredPart>;

export const ListPartsResponse = z.object({ parts: z.array(StoredPart) });
export type ListPartsResponse = z.infer<typeof ListPartsResponse>;

export const CompleteUploadRequest = z.strictObject({
  parts: z
    .array(z.strictObject({ partNumber: PartNumber, etag: z.string().min(1).max(200) }))
    .min(1)
    .max(S3_MAX_PARTS),
  /**
   * The multipart ETag the client computed from its own part MD5s. Required
   * when the checksum mode is md5: a stored object whose ETag differs is
   * deleted and complete answers checksum_mismatch.
   */
  expectedEtag: MultipartEtag.optional(),
});
export type CompleteUploadRequest = z.infer<typeof CompleteUploadRequest>;

export const CompleteUploadResponse = z.object({
  key: z.string(),
  size: z.number(),
  etag: z.string(),
  /** Short-lived presigned GET of the object. */
  downloadUrl: z.string(),
});
export type CompleteUploadResponse = z.infer<typeof CompleteUploadResponse>;

export const ClientConfig = z.object({
  maxFileSize: z.number(),
  partSize: z.number(),
  concurrency: z.number(),
  /** A part attempt with no upload progress for this long is cut and retried. */
  partIdleTimeoutMs: z.number(),
  allowedContentTypes: z.array(z.string()),
  checksumMode: ChecksumMode,
});
export type ClientConfig = z.infer<typeof ClientConfig>;

export const ERROR_CODES = [
  'invalid_request',
  'invalid_token',
  'token_expired',
  'login_required',
  'login_expired',
  'forbidden',
  'too_many_uploads',
  'file_too_large',
  'content_type_not_allowed',
  'part_out_of_range',
  'missing_parts',
  'size_mismatch',
  'etag_mismatch',
  'checksum_mismatch',
  'no_such_upload',
  'payload_too_large',
  'request_timeout',
  'unsupported_media_type',
  'not_found',
  'method_not_allowed',
  'rate_limited',
  'storage_unavailable',
  'auth_unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const ApiErrorBody = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

/** One file's answer in a batch, in the order asked: its upload, or why it was refused (with the status a single create would have had). */
export const BatchResult = z.union([
  z.strictObject({ upload: SingleUploadResponse }),
  z.strictObject({ status: z.number().int(), error: ApiErrorBody.shape.error }),
]);
export type BatchResult = z.infer<typeof BatchResult>;

export const CreateBatchResponse = z.object({ results: z.array(BatchResult) });
export type CreateBatchResponse = z.infer<typeof CreateBatchResponse>;

/** One stored single-PUT upload to complete: its token from create (owner bound as for every call) and the ETag its PUT answered. */
export const CompleteBatchUpload = z.strictObject({
  token: z.string().min(1, 'token must not be empty').max(4096),
  etag: z.string().min(1, 'etag must not be empty').max(200),
});
export type CompleteBatchUpload = z.infer<typeof CompleteBatchUpload>;

export const CompleteBatchRequest = z.strictObject({
  uploads: z
    .array(CompleteBatchUpload)
    .min(1, 'uploads must name at least one upload')
    .max(MAX_BATCH_FILES, `at most ${MAX_BATCH_FILES} uploads per call`),
});
export type CompleteBatchRequest = z.infer<typeof CompleteBatchRequest>;

/** One upload's answer in a batch complete, in the order asked: its object, or why it was refused (the status a single complete would have had). */
export const CompleteBatchResult = z.union([
  z.strictObject({ completed: CompleteUploadResponse }),
  z.strictObject({ status: z.number().int(), error: ApiErrorBody.shape.error }),
]);
export type CompleteBatchResult = z.infer<typeof CompleteBatchResult>;

export const CompleteBatchResponse = z.object({ results: z.array(CompleteBatchResult) });
export type CompleteBatchResponse = z.infer<typeof CompleteBatchResponse>;
