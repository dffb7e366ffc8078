/** S3's multipart limits (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html). */
export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;
export const TiB = 1024 * GiB;

export const S3_MIN_PART_SIZE = 5 * MiB;
export const S3_MAX_PART_SIZE = 5 * GiB;
export const S3_MAX_PARTS = 10_000;
export const S3_MAX_OBJECT_SIZE = 5 * TiB;

export const DEFAULT_PART_SIZE = 8 * MiB;
/** Parts one sign call may ask for. */
export const MAX_SIGN_BATCH = 100;
/** Files one batch create may ask for. */
export const MAX_BATCH_FILES = 100;
