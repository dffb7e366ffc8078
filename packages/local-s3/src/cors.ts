/**
 * Bucket CORS evaluated by S3's rules: the first rule whose AllowedOrigin,
 * AllowedMethod and (for preflight) every requested header match wins.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html
 */
import type { z } from 'zod';
import { S3Error, s3Errors } from './s3-error.js';
import type { CorsRuleSchema } from './store-model.js';
import { asArray, asRecord, asText } from './xml.js';
import type { XmlNode } from './xml.js';

export type CorsRule = z.infer<typeof CorsRuleSchema>;

const CORS_METHODS = new Set(['GET', 'PUT', 'HEAD', 'POST', 'DELETE']);

/** S3 allows at most one '*' in an AllowedOrigin or AllowedHeader; it matches any run of characters. */
function wildcardMatch(pattern: string, value: string, caseInsensitive: boolean): boolean {
  const p = caseInsensitive ? pattern.toLowerCase() : pattern;
  const v = caseInsensitive ? value.toLowerCase() : value;
  const star = p.indexOf('*');
  if (star === -1) return p === v;
  const head = p.slice(0, star);
  const tail = p.slice(star + 1);
  return v.length >= head.length + tail.length && v.startsWith(head) && v.endsWith(tail);
}

export function findCorsRule(
  rules: readonly CorsRule[],
  origin: string,
  method: string,
  requestHeaders: readonly string[] = [],
): CorsRule | undefined {
  return rules.find(
    (rule) =>
      rule.allowedOrigins.some((o) => wildcardMatch(o, origin, false)) &&
      rule.allowedMethods.includes(method) &&
      requestHeaders.every((h) => rule.allowedHeaders.some((a) => wildcardMatch(a, h, true))),
  );
}

/** Headers S3 adds to a response (preflight or actual) for a matched rule. */
export function corsResponseHeaders(rule: CorsRule, origin: string, preflightHeaders?: readonly string[]): Record<string, string> {
  const anyOrigin = rule.allowedOrigins.includes('*');
  const headers: Record<string, string> = {
    'Access-Control-Allow-Origin': anyOrigin ? '*' : origin,
    'Access-Control-Allow-Methods': rule.allowedMethods.join(', '),
    Vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  };
  if (!anyOrigin) headers['Access-Control-Allow-Credentials'] = 'true';
  if (preflightHeaders && preflightHeaders.length > 0) headers['Access-Control-Allow-Headers'] = preflightHeaders.join(', ');
  if (rule.exposeHeaders.length > 0) headers['Access-Control-Expose-Headers'] = rule.exposeHeaders.join(', ');
  if (rule.maxAgeSeconds !== undefined) headers['Access-Control-Max-Age'] = String(rule.maxAgeSeconds);
  return headers;
}

export function parseRequestHeaderList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== '');
}

export function corsForbidden(message: string): S3Error {
  return new S3Error(403, 'AccessForbidden', message, { extra: {} });
}

function texts(value: unknown): string[] {
  return asArray(value).map((v) => asText(v) ?? '');
}

/** Parses a PutBucketCors body; invalid rules are S3's MalformedXML / InvalidRequest. */
export function parseCorsConfiguration(doc: Record<string, unknown>): CorsRule[] {
  const config = asRecord(doc['CORSConfiguration']);
  if (!config) throw s3Errors.malformedXml();
  const rules = asArray(config['CORSRule']).map((raw): CorsRule => {
    const r = asRecord(raw);
    if (!r) throw s3Errors.malformedXml();
    const allowedOrigins = texts(r['AllowedOrigin']);
    const allowedMethods = texts(r['AllowedMethod']);
    if (allowedOrigins.length === 0 || allowedMethods.length === 0) throw s3Errors.malformedXml();
    for (const m of allowedMethods) {
      if (!CORS_METHODS.has(m)) throw s3Errors.invalidRequest(`Found unsupported HTTP method in CORS config. Unsupported method is ${m}`);
    }
    const maxAge = asText(r['MaxAgeSeconds']);
    const id = asText(r['ID']);
    return {
      ...(id !== undefined ? { id } : {}),
      allowedOrigins,
      allowedMethods,
      allowedHeaders: texts(r['AllowedHeader']),
      exposeHeaders: texts(r['ExposeHeader']),
      ...(maxAge !== undefined && /^\d+$/.test(maxAge) ? { maxAgeSeconds: Number(maxAge) } : {}),
    };
  });
  if (rules.length === 0 || rules.length > 100) throw s3Errors.malformedXml();
  return rules;
}

export function corsConfigurationXml(rules: readonly CorsRule[]): XmlNode[] {
  return rules.map(
    (rule): XmlNode => [
      'CORSRule',
      [
        rule.id !== undefined ? ['ID', rule.id] : undefined,
        ...rule.allowedHeaders.map((h): XmlNode => ['AllowedHeader', h]),
        ...rule.allowedMethods.map((m): XmlNode => ['AllowedMethod', m]),
        ...rule.allowedOrigins.map((o): XmlNode => ['AllowedOrigin', o]),
        ...rule.exposeHeaders.map((h): XmlNode => ['ExposeHeader', h]),
        rule.maxAgeSeconds !== undefined ? ['MaxAgeSeconds', rule.maxAgeSeconds] : undefined,
      ],
    ],
  );
}
