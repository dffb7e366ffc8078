/** How an S3-compatible store differs from AWS S3 where the app could notice. */
export interface S3BackendQuirks {
  /** CompleteMultipartUpload answers with an empty ETag (HeadObject has the right one). */
  completeEtagMissing: boolean;
  /** Complete with parts out of order succeeds (sorted) instead of failing with InvalidPartOrder. */
  acceptsOutOfOrderComplete: boolean;
  /** The error ListParts gives for an aborted upload. */
  listPartsAfterAbortCode: 'NoSuchUpload' | 'NoSuchKey';
  /**
   * The error Complete gives for an aborted or unknown upload. RGW 16.2 answers
   * 500 InternalError "This multipart completion is already in progress", which
   * the SDK retries and a caller must not take for an outage.
   */
  completeUnknownUploadCode: 'NoSuchUpload' | 'InternalError';
  /** An expired presigned URL gets 403 AccessDenied with an empty Message instead of "Request has expired". */
  expiredUrlMessageMissing: boolean;
}

/** A running store with a bucket of its own that a test may fill and that `close()` removes. */
export interface S3Backend {
  name: 'local' | 'rgw';
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
  quirks: S3BackendQuirks;
  /** The embedded store only: unexpected errors it answered with 500 (their stack traces). Empty when all is well. */
  internalErrors?: readonly unknown[];
  close(): Promise<void>;
}

export const AWS_EXACT: S3BackendQuirks = {
  completeEtagMissing: false,
  acceptsOutOfOrderComplete: false,
  listPartsAfterAbortCode: 'NoSuchUpload',
  completeUnknownUploadCode: 'NoSuchUpload',
  expiredUrlMessageMissing: false,
};

/** Ceph RGW 16.2 (pacific), as seen against scripts/rgw.sh. */
export const RGW_16_QUIRKS: S3BackendQuirks = {
  completeEtagMissing: true,
  acceptsOutOfOrderComplete: true,
  listPartsAfterAbortCode: 'NoSuchKey',
  completeUnknownUploadCode: 'InternalError',
  expiredUrlMessageMissing: true,
};
