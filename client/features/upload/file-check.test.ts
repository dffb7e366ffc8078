import { describe, expect, it } from 'vitest';
import { checkFile } from './file-check.js';

const limits = { maxFileSize: 5_000_000_000, allowedContentTypes: [] };

describe('checkFile', () => {
  it('accepts a file within the limits', () => {
    expect(checkFile({ name: 'a.bin', size: 10, type: 'application/octet-stream' }, limits)).toBeNull();
  });

  it('refuses a file over the size limit with both sizes in the sentence', () => {
    expect(checkFile({ name: 'big.iso', size: 6_000_000_000, type: '' }, limits)).toBe(
      'This file is 6.00 GB, larger than the 5.00 GB this server accepts.',
    );
  });

  it('refuses a type that is not listed and names the allowed ones', () => {
    const only = { maxFileSize: 100, allowedContentTypes: ['image/*', 'video/mp4'] };
    expect(checkFile({ name: 'a.txt', size: 1, type: 'text/plain' }, only)).toBe(
      'This server does not accept text/plain files. Allowed: image/*, video/mp4.',
    );
    expect(checkFile({ name: 'a', size: 1, type: '' }, only)).toBe(
      'This server does not accept files of unknown type. Allowed: image/*, video/mp4.',
    );
  });

  it('accepts a file with no type where the server accepts one: as application/octet-stream', () => {
    const octets = { maxFileSize: 100, allowedContentTypes: ['application/octet-stream'] };
    expect(checkFile({ name: 'notes', size: 1, type: '' }, octets)).toBeNull();
    expect(checkFile({ name: 'a.txt', size: 1, type: 'text/plain' }, octets)).toMatch(/does not accept text\/plain files/);
  });
});
