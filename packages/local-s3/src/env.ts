/**
 * The store's environment variables, one schema for every process that runs
 * it: `npm run s3:local` (src/main.ts) and an app that embeds the store
 * (it extends its own schema with this one). Empty values count as unset.
 */
import { z } from 'zod';

const port = z
  .string()
  .regex(/^\s*\d+\s*$/, 'must be a whole number')
  .transform(Number)
  .pipe(z.number().int().min(0).max(65_535));

const originList = z.string().transform((text) => text.split(',').map((origin) => origin.trim()).filter((origin) => origin !== ''));

export const LocalS3Env = z.object({
  /** Objects, uploads and bucket metadata; survives restart. */
  LOCAL_S3_DIR: z.string().min(1).default('.data/s3'),
  /** 0 picks a free port. A fixed one keeps presigned URLs valid across restarts. */
  LOCAL_S3_PORT: port.default(9000),
  LOCAL_S3_HOST: z.string().min(1).default('127.0.0.1'),
  /** Origins the default bucket's CORS rule allows, comma-separated; unset leaves the choice to the caller. */
  LOCAL_S3_CORS_ORIGINS: originList.optional(),
});
export type LocalS3Env = z.infer<typeof LocalS3Env>;
