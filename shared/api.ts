/**
 * The HTTP API contract between browser and server. Every route parses its
 * input with these schemas; the client uses the inferred types.
 *
 * Upload-scoped routes identify the upload by the token from create, sent in
 * the `X-Upload-Token` header (never in a URL).
 */
import { z } from 'zod';
import { MAX_SIGN_BATCH, S3_MAX_PARTS } from './limits.js';

export const UPLOAD_TOKEN_HEADER = 'x-upload-token';

/** Every API route lives under this prefix. */
export const API_PREFIX = '/api';

export const API_ROUTES = {
  config: `${API_PREFIX}/config`, // GET
  uploads: `${API_PREFIX}/uploads`, // POST create, DELETE abort
  sign: `${API_PREFIX}/uploads/sign`, // POST
  parts: `${API_PREFIX}/uploads/parts`, // GET
  complete: `${API_PREFIX}/uploads/complete`, // POST
} as const;

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
});
export type CreateUploadResponse = z.infer<typeof CreateUploadResponse>;

export const SignPartsRequest = z.strictObject({
  partNumbers: z
    .array(PartNumber)
    .min(1, 'partNumbers must name at least one part')
    .max(MAX_SIGN_BATCH, `at most ${MAX_SIGN_BATCH} parts per call`)
    .refine((ns) => new Set(ns).size === ns.length, 'partNumbers must not repeat'),
});
export type SignPartsRequest = z.infer<typeof SignPartsRequest>;

export const SignedPart = z.object({
  partNumber: z.number(),
  url: z.string(),
  /** Exact Content-Length the URL is signed for. */
  size: z.number(),
  /** Epoch milliseconds after which the URL is refused by the store. */
  expiresAt: z.number(),
});
export type SignedPart = z.infer<typeof SignedPart>;

export const SignPartsResponse = z.object({ parts: z.array(SignedPart) });
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
  allowedContentTypes: z.array(z.string()),
});
export type ClientConfig = z.infer<typeof ClientConfig>;

export const ERROR_CODES = [
  'invalid_request',
  'invalid_token',
  'token_expired',
  'file_too_large',
  'content_type_not_allowed',
  'part_out_of_range',
  'missing_parts',
  'size_mismatch',
  'etag_mismatch',
  'no_such_upload',
  'payload_too_large',
  'request_timeout',
  'unsupported_media_type',
  'not_found',
  'method_not_allowed',
  'rate_limited',
  'storage_unavailable',
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
