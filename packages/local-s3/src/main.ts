/** Runs the embedded S3 store standalone: `npm run s3:local` at the repo root, or `npm start` here. */
import { LocalS3Env } from './env.js';
import { startLocalS3 } from './index.js';

const present = Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== undefined && value.trim() !== ''));
const parsed = LocalS3Env.safeParse(present);
if (!parsed.success) {
  console.error(`Invalid environment:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  process.exit(1);
}
const env = parsed.data;

const s3 = await startLocalS3({
  dataDir: env.LOCAL_S3_DIR,
  port: env.LOCAL_S3_PORT,
  host: env.LOCAL_S3_HOST,
  // The app's default origin: `npm start` serves it there.
  corsOrigins: env.LOCAL_S3_CORS_ORIGINS ?? ['http://localhost:3000'],
});

console.log(`local S3 listening
  endpoint:   ${s3.endpoint}
  region:     ${s3.region}
  access key: ${s3.accessKeyId}
  secret key: ${s3.secretAccessKey}
  bucket:     ${s3.bucket}
  data dir:   ${env.LOCAL_S3_DIR}`);

// A closed stdout (the parent went away) must not crash the store.
process.stdout.on('error', () => undefined);

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  console.log(`local S3: ${signal}, stopping`);
  s3.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error('local S3: close failed', error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
