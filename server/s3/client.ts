import { S3Client } from '@aws-sdk/client-s3';

export interface S3ClientOptions {
  /** S3-compatible endpoint (MinIO, RGW, R2, the embedded store); omit for AWS S3. */
  endpoint?: string;
  region: string;
  /** Both keys, or neither to use the SDK's default credential chain. */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Defaults to true when `endpoint` is set: local stores rarely resolve bucket subdomains. */
  forcePathStyle?: boolean;
}

/**
 * The one way the server builds an S3 client.
 *
 * Checksums are computed and validated only when an operation requires them.
 * The SDK's default ('WHEN_SUPPORTED') makes the presigner bake
 * `x-amz-checksum-crc32` of an empty body into presigned UploadPart URLs,
 * which AWS S3, MinIO and R2 then reject for the real part body.
 */
export function createS3Client(options: S3ClientOptions): S3Client {
  const { endpoint, region, accessKeyId, secretAccessKey } = options;
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new TypeError('createS3Client: give both accessKeyId and secretAccessKey, or neither');
  }
  return new S3Client({
    region,
    ...(endpoint !== undefined && { endpoint }),
    forcePathStyle: options.forcePathStyle ?? endpoint !== undefined,
    ...(accessKeyId !== undefined && secretAccessKey !== undefined && { credentials: { accessKeyId, secretAccessKey } }),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
