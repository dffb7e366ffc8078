/** Splits a path-style request URL into bucket, key and raw query pairs without normalizing anything. */
import { S3Error } from './s3-error.js';
import type { QueryPair } from './sigv4.js';

export interface RequestTarget {
  /** The path exactly as sent (still percent-encoded); SigV4 signs this. */
  rawPath: string;
  bucket: string;
  /** Decoded object key; '' for bucket-level requests. */
  key: string;
  query: readonly QueryPair[];
}

function invalidUri(cause?: unknown): S3Error {
  return new S3Error(400, 'InvalidURI', "Couldn't parse the specified URI.", { cause });
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch (cause) {
    throw invalidUri(cause);
  }
}

export function parseRequestTarget(url: string): RequestTarget {
  if (!url.startsWith('/')) throw invalidUri();
  const q = url.indexOf('?');
  const rawPath = q === -1 ? url : url.slice(0, q);
  const rawQuery = q === -1 ? '' : url.slice(q + 1);
  const query: QueryPair[] = [];
  for (const piece of rawQuery.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    query.push(eq === -1 ? [decode(piece), ''] : [decode(piece.slice(0, eq)), decode(piece.slice(eq + 1))]);
  }
  // Validate every segment decodes, so SigV4 canonicalization cannot throw later.
  for (const segment of rawPath.split('/')) decode(segment);
  const slash = rawPath.indexOf('/', 1);
  const bucket = decode(slash === -1 ? rawPath.slice(1) : rawPath.slice(1, slash));
  const key = slash === -1 ? '' : decode(rawPath.slice(slash + 1));
  return { rawPath, bucket, key, query };
}

export function queryValue(query: readonly QueryPair[], name: string): string | undefined {
  return query.find(([n]) => n === name)?.[1];
}

export function hasQuery(query: readonly QueryPair[], name: string): boolean {
  return query.some(([n]) => n === name);
}
