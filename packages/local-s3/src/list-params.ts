/** Integer query parameters of list operations, validated as S3 does. */
import { queryValue } from './request-target.js';
import type { QueryPair } from './sigv4.js';
import { s3Errors } from './s3-error.js';

export function intParam(query: readonly QueryPair[], name: string, fallback: number, max: number): number {
  const text = queryValue(query, name);
  if (text === undefined || text === '') return fallback;
  if (!/^-?\d+$/.test(text) || Number(text) < 0) {
    throw s3Errors.invalidArgument(`Provided ${name} not an integer or within integer range`, name, text);
  }
  return Math.min(Number(text), max);
}
