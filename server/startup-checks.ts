/**
 * Before listening: the bucket is reachable and its CORS lets the app's
 * origin PUT parts and read their ETags. A failure is one line that says how
 * to fix it; a store that does not implement GetBucketCors only warns.
 */
import { GetBucketCorsCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import type { CORSRule, S3Client } from '@aws-sdk/client-s3';
import { s3ErrorName, s3HttpStatus } from './s3/errors.js';

export type StartupCheckResult = { ok: true; warnings: string[] } | { ok: false; problem: string };

export function requiredCorsConfiguration(publicOrigin: string): { CORSRules: CORSRule[] } {
  return {
    CORSRules: [
      { AllowedOrigins: [publicOrigin], AllowedMethods: ['GET', 'PUT', 'HEAD'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 3600 },
    ],
  };
}

function originMatches(pattern: string, origin: string): boolean {
  if (pattern === '*' || pattern === origin) return true;
  if (!pattern.includes('*')) return false;
  const regex = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return regex.test(origin);
}

export function corsAllowsUploads(rules: readonly CORSRule[], publicOrigin: string): boolean {
  return rules.some(
    (rule) =>
      (rule.AllowedOrigins ?? []).some((o) => originMatches(o, publicOrigin)) &&
      (rule.AllowedMethods ?? []).some((m) => m.toUpperCase() === 'PUT') &&
      (rule.ExposeHeaders ?? []).some((h) => h.toLowerCase() === 'etag'),
  );
}

const CORS_UNSUPPORTED = new Set(['NotImplemented', 'MethodNotAllowed', 'UnsupportedOperation']);

export async function runStartupChecks(options: { s3: S3Client; bucket: string; endpoint: string; publicOrigin: string }): Promise<StartupCheckResult> {
  const { s3, bucket, endpoint, publicOrigin } = options;
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (error) {
    const status = s3HttpStatus(error);
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const reason = status === 404 ? 'does not exist' : status === 403 ? 'is not accessible with these credentials' : `could not be reached (${detail})`;
    return {
      ok: false,
      problem: `bucket "${bucket}" at ${endpoint} ${reason}: check S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID/S3_SECRET_ACCESS_KEY, and create the bucket if needed`,
    };
  }
  const fix = `apply this CORS configuration to bucket "${bucket}" (e.g. aws s3api put-bucket-cors --bucket ${bucket} --cors-configuration '${JSON.stringify(requiredCorsConfiguration(publicOrigin))}')`;
  let rules: CORSRule[];
  try {
    rules = (await s3.send(new GetBucketCorsCommand({ Bucket: bucket }))).CORSRules ?? [];
  } catch (error) {
    const name = s3ErrorName(error);
    if (name === 'NoSuchCORSConfiguration') return { ok: false, problem: `bucket "${bucket}" has no CORS configuration, so browsers cannot PUT parts: ${fix}` };
    if ((name !== undefined && CORS_UNSUPPORTED.has(name)) || s3HttpStatus(error) === 501) {
      return { ok: true, warnings: [`the store does not support GetBucketCors (${name ?? 'unknown'}); make sure CORS lets ${publicOrigin} PUT and exposes ETag`] };
    }
    return { ok: false, problem: `could not read the CORS configuration of bucket "${bucket}" (${name ?? String(error)}): grant s3:GetBucketCORS or ${fix}` };
  }
  if (!corsAllowsUploads(rules, publicOrigin)) {
    return { ok: false, problem: `CORS of bucket "${bucket}" does not let ${publicOrigin} PUT parts and read their ETag: ${fix}` };
  }
  return { ok: true, warnings: [] };
}
