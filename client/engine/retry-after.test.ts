import { describe, expect, it } from 'vitest';
import { retryAfterMs } from './retry-after.js';

const headers = (entries: Record<string, string>) => new Headers(entries);
const NOW = Date.parse('2026-01-01T00:00:00Z');

describe('retryAfterMs', () => {
  it('reads Retry-After in seconds or as a date', () => {
    expect(retryAfterMs(headers({ 'retry-after': '7' }), NOW)).toBe(7000);
    expect(retryAfterMs(headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }), NOW)).toBe(30_000);
    expect(retryAfterMs(headers({ 'retry-after': 'Wed, 31 Dec 2025 23:00:00 GMT' }), NOW)).toBe(0);
  });

  it('reads the RateLimit header of a spent policy (drafts 8 and 7), the longest wait winning', () => {
    expect(retryAfterMs(headers({ ratelimit: '"per-upload"; r=0; t=12' }), NOW)).toBe(12_000);
    expect(retryAfterMs(headers({ ratelimit: '"a"; r=5; t=50, "b"; r=0; t=3' }), NOW)).toBe(3000);
    expect(retryAfterMs(headers({ ratelimit: 'limit=10, remaining=0, reset=9' }), NOW)).toBe(9000);
    expect(retryAfterMs(headers({ ratelimit: '"a"; r=0; t=4', 'retry-after': '20' }), NOW)).toBe(20_000);
  });

  it('says nothing when the server did not, or said nonsense', () => {
    expect(retryAfterMs(headers({}), NOW)).toBeUndefined();
    expect(retryAfterMs(headers({ 'retry-after': 'soon' }), NOW)).toBeUndefined();
    expect(retryAfterMs(headers({ 'retry-after': '999999' }), NOW)).toBeUndefined();
    expect(retryAfterMs(headers({ ratelimit: '"a"; r=3; t=10' }), NOW)).toBeUndefined();
  });
});
