import { S3Client } from '@aws-sdk/client-s3';

export interface TestClientOptions {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * A path-style client for a test store. Checksums only where an operation
 * requires them, as the app's own client does, so presigned URLs carry none.
 */
export function createTestClient({ endpoint, region, accessKeyId, secretAccessKey }: TestClientOptions): S3Client {
  return new S3Client({
    endpoint,
    region,
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
