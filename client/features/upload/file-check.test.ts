import { describe, expect, it } from 'vitest';
import { checkFile, isContentTypeAllowed } from './file-check.js';

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
});

describe('isContentTypeAllowed', () => {
  it('allows everything when the list is empty', () => {
    expect(isContentTypeAllowed('', [])).toBe(true);
  });

  it('matches exact types, families and wildcards, ignoring case and parameters', () => {
    expect(isContentTypeAllowed('Image/PNG', ['image/png'])).toBe(true);
    expect(isContentTypeAllowed('image/webp', ['image/*'])).toBe(true);
    expect(isContentTypeAllowed('text/plain; charset=utf-8', ['text/plain'])).toBe(true);
    expect(isContentTypeAllowed('anything/else', ['*/*'])).toBe(true);
    expect(isContentTypeAllowed('imagex/png', ['image/*'])).toBe(false);
    expect(isContentTypeAllowed('video/webm', ['video/mp4'])).toBe(false);
  });
});
