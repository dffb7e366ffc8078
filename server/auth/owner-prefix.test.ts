import { describe, expect, it } from 'vitest';
import { ownerKeyPrefix, ownerSegment } from './owner-prefix.js';

describe('ownerSegment', () => {
  it('keeps plain identities readable', () => {
    expect(ownerSegment('alice')).toBe('alice');
    expect(ownerSegment('user-1_a.b')).toBe('user-1_a.b');
  });

  it('escapes everything a key segment must not hold', () => {
    expect(ownerSegment('a@example.com')).toBe('a!40example.com');
    expect(ownerSegment('auth0|123')).toBe('auth0!7c123');
    expect(ownerSegment('../etc/passwd')).toBe('..!2fetc!2fpasswd');
    expect(ownerSegment('a b\n')).toBe('a!20b!0a');
    expect(ownerSegment('é')).toBe('!c3!a9');
    expect(ownerSegment('.')).toBe('!2e');
    expect(ownerSegment('..')).toBe('!2e!2e');
  });

  it('is one-to-one: an identity spelled like an escape does not meet the escaped one', () => {
    const identities = ['a@b', 'a!40b', '!', '!21', '.', '!2e', '', 'A', 'a'];
    const segments = identities.map(ownerSegment);
    expect(new Set(segments).size).toBe(identities.length);
    for (const segment of segments) expect(segment).toMatch(/^[A-Za-z0-9._!-]*$/);
  });
});

describe('ownerKeyPrefix', () => {
  it('puts the owner between the prefix and the upload', () => {
    expect(ownerKeyPrefix('uploads/', 'a@b.c')).toBe('uploads/a!40b.c/');
  });
  it('keeps the plain prefix in open mode', () => {
    expect(ownerKeyPrefix('uploads/', null)).toBe('uploads/');
  });
});
