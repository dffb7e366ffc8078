import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ContentMd5 } from './api.js';
import { bareEtag, bytesToHex, concatPartDigests, formatMultipartEtag, fromContentMd5, hexToBytes, looksLikeMd5Etag, sameEtag, toContentMd5 } from './checksum.js';

const md5 = (data: Uint8Array | string) => new Uint8Array(createHash('md5').update(data).digest());

describe('checksum helpers', () => {
  it('write a digest as Content-MD5 and hex the way Node does', () => {
    const digest = md5('hello');
    expect(toContentMd5(digest)).toBe(createHash('md5').update('hello').digest('base64'));
    expect(bytesToHex(digest)).toBe(createHash('md5').update('hello').digest('hex'));
    expect(fromContentMd5(toContentMd5(digest))).toEqual(digest);
    expect(hexToBytes(bytesToHex(digest))).toEqual(digest);
    expect(ContentMd5.safeParse(toContentMd5(digest)).success).toBe(true);
  });

  it('refuse Content-MD5 values that are not 16 bytes', () => {
    expect(ContentMd5.safeParse(Buffer.alloc(15).toString('base64')).success).toBe(false);
    expect(ContentMd5.safeParse(Buffer.alloc(17).toString('base64')).success).toBe(false);
    expect(ContentMd5.safeParse('XrY7u+Ae7tCTyyK7j1rNww=').success).toBe(false);
  });

  it('compute the multipart ETag as S3 does: md5 of the concatenated part digests, then -N', () => {
    const parts = [md5('a'), md5('b'), md5('c')];
    const expected = createHash('md5').update(Buffer.concat(parts)).digest('hex') + '-3';
    expect(formatMultipartEtag(md5(concatPartDigests(parts)), parts.length)).toBe(expected);
    expect(() => concatPartDigests([new Uint8Array(15)])).toThrow(/16 bytes/);
  });

  it('compare ETags without quotes, weak marker or case', () => {
    expect(bareEtag(' W/"ABC-2" ')).toBe('abc-2');
    expect(sameEtag('"d41d8cd98f00b204e9800998ecf8427e"', 'D41D8CD98F00B204E9800998ECF8427E')).toBe(true);
    expect(sameEtag('"a-1"', '"a-2"')).toBe(false);
    expect(looksLikeMd5Etag('"d41d8cd98f00b204e9800998ecf8427e"')).toBe(true);
    expect(looksLikeMd5Etag('"d41d8cd98f00b204e9800998ecf8427e-2"')).toBe(false);
  });
});
