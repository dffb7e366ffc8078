/**
 * S3 errors as typed values: every failure the store answers with is an
 * S3Error carrying S3's HTTP status, code and message, plus the extra
 * elements S3 puts in the XML body (UploadId, PartNumber, ...).
 */
export class S3Error extends Error {
  override name = 'S3Error';
  readonly code: string;
  readonly status: number;
  readonly extra: Readonly<Record<string, string>>;
  /** Headers S3 adds to this error response (e.g. Content-Range on 416). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    code: string,
    message: string,
    options: { extra?: Record<string, string>; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = status;
    this.code = code;
    this.extra = options.extra ?? {};
    this.headers = options.headers ?? {};
  }
}

/** Messages copied from S3 so clients and conformance tests see the same text. */
export const s3Errors = {
  accessDenied: (message = 'Access Denied', extra?: Record<string, string>) =>
    new S3Error(403, 'AccessDenied', message, { extra }),
  badDigest: (expected: string, calculated: string) =>
    new S3Error(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.', {
      extra: { ExpectedDigest: expected, CalculatedDigest: calculated },
    }),
  invalidDigest: (digest: string) =>
    new S3Error(400, 'InvalidDigest', 'The Content-MD5 you specified was invalid.', { extra: { 'Content-MD5': digest } }),
  incompleteBody: () =>
    new S3Error(400, 'IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header'),
  requestTimeout: () =>
    new S3Error(400, 'RequestTimeout', 'Your socket connection to the server was not read from or written to within the timeout period. Idle connections will be closed.'),
  missingContentLength: () =>
    new S3Error(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.'),
  sha256Mismatch: (clientSha256: string, computed: string) =>
    new S3Error(400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", {
      extra: { ClientComputedContentSHA256: clientSha256, S3ComputedContentSHA256: computed },
    }),
  invalidArgument: (message: string, name: string, value: string) =>
    new S3Error(400, 'InvalidArgument', message, { extra: { ArgumentName: name, ArgumentValue: value } }),
  invalidBucketName: (bucket: string) =>
    new S3Error(400, 'InvalidBucketName', 'The specified bucket is not valid.', { extra: { BucketName: bucket } }),
  noSuchBucket: (bucket: string) =>
    new S3Error(404, 'NoSuchBucket', 'The specified bucket does not exist', { extra: { BucketName: bucket } }),
  noSuchKey: (key: string) => new S3Error(404, 'NoSuchKey', 'The specified key does not exist.', { extra: { Key: key } }),
  noSuchUpload: (uploadId: string) =>
    new S3Error(
      404,
      'NoSuchUpload',
      'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
      { extra: { UploadId: uploadId } },
    ),
  bucketNotEmpty: (bucket: string) =>
    new S3Error(409, 'BucketNotEmpty', 'The bucket you tried to delete is not empty', { extra: { BucketName: bucket } }),
  bucketAlreadyOwnedByYou: (bucket: string) =>
    new S3Error(409, 'BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.', {
      extra: { BucketName: bucket },
    }),
  malformedXml: (cause?: unknown) =>
    new S3Error(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', { cause }),
  invalidPart: (uploadId: string, partNumber: number, etag: string) =>
    new S3Error(
      400,
      'InvalidPart',
      "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not have matched the part's entity tag.",
      { extra: { UploadId: uploadId, PartNumber: String(partNumber), ETag: etag } },
    ),
  invalidPartOrder: (uploadId: string) =>
    new S3Error(400, 'InvalidPartOrder', 'The list of parts was not in ascending order. Parts must be ordered by part number.', {
      extra: { UploadId: uploadId },
    }),
  entityTooSmall: (proposedSize: number, minSize: number, partNumber: number, etag: string) =>
    new S3Error(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', {
      extra: { ProposedSize: String(proposedSize), MinSizeAllowed: String(minSize), PartNumber: String(partNumber), ETag: etag },
    }),
  entityTooLarge: (proposedSize: number, maxSize: number) =>
    new S3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', {
      extra: { ProposedSize: String(proposedSize), MaxSizeAllowed: String(maxSize) },
    }),
  keyTooLong: (size: number) =>
    new S3Error(400, 'KeyTooLongError', 'Your key is too long', { extra: { Size: String(size), MaxSizeAllowed: '1024' } }),
  invalidRange: (size: number) =>
    new S3Error(416, 'InvalidRange', 'The requested range is not satisfiable', {
      extra: { RangeRequested: '', ActualObjectSize: String(size) },
      headers: { 'Content-Range': `bytes */${size}` },
    }),
  notImplemented: () =>
    new S3Error(501, 'NotImplemented', 'A header you provided implies functionality that is not implemented'),
  methodNotAllowed: (method: string) =>
    new S3Error(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.', {
      extra: { Method: method, ResourceType: 'OBJECT' },
    }),
  noSuchCorsConfiguration: (bucket: string) =>
    new S3Error(404, 'NoSuchCORSConfiguration', 'The CORS configuration does not exist', { extra: { BucketName: bucket } }),
  invalidRequest: (message: string) => new S3Error(400, 'InvalidRequest', message),
  internal: (cause: unknown) =>
    new S3Error(500, 'InternalError', 'We encountered an internal error. Please try again.', { cause }),
} as const;
