/** `npm run janitor`: one janitor pass against S3_ENDPOINT, for cron jobs. Exit code 1 when an abort failed. */
import { systemClock } from './clock.js';
import { ConfigError, loadConfig } from './config.js';
import { loadEnvFile } from './env-file.js';
import { runJanitorPass } from './janitor.js';
import { createS3Client } from './s3/client.js';
import { S3UploadStore } from './s3/s3-upload-store.js';

async function main(): Promise<number> {
  let config;
  try {
    loadEnvFile();
    config = loadConfig(process.env, { requireTokenSecret: false });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return 1;
  }
  const { endpoint, region, bucket, accessKeyId, secretAccessKey, forcePathStyle } = config.s3;
  if (endpoint === undefined) {
    console.error('npm run janitor needs S3_ENDPOINT; the embedded store is cleaned by the running server\'s janitor timer');
    return 1;
  }
  const s3 = createS3Client({
    endpoint,
    region,
    forcePathStyle,
    ...(accessKeyId !== undefined && secretAccessKey !== undefined && { accessKeyId, secretAccessKey }),
  });
  try {
    const store = new S3UploadStore({ client: s3, bucket });
    const result = await runJanitorPass({ store, prefix: config.keyPrefix, ttlMs: config.uploadTtlMs, clock: systemClock });
    console.log(`janitor: ${result.scanned} upload(s) under "${config.keyPrefix}", ${result.aborted} aborted, ${result.failed} failed`);
    for (const error of result.errors) console.error(error);
    return result.failed > 0 ? 1 : 0;
  } finally {
    s3.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('janitor failed:', error);
    process.exit(1);
  },
);
