import { describe, expect, it } from 'vitest';
import { isContentTypeAllowed, mediaTypeOf } from './content-type.js';

describe('content types', () => {
  it('reduces a content type to its lower-case media type', () => {
    expect(mediaTypeOf('Text/Plain; charset=utf-8')).toBe('text/plain');
    expect(mediaTypeOf(undefined)).toBe('application/octet-stream');
    expect(mediaTypeOf('')).toBe('application/octet-stream');
  });

  it('allows everything with an empty list', () => {
    expect(isContentTypeAllowed('text/html', [])).toBe(true);
    expect(isContentTypeAllowed('', [])).toBe(true);
  });

  it.each([
    ['image/png', true],
    ['IMAGE/JPEG', true],
    ['application/pdf; q=1', true],
    ['application/pdfx', false],
    ['imagex/png', false],
    ['text/html', false],
    [undefined, false],
    ['', false],
  ])('%j against image/* and application/pdf -> %s', (type, allowed) => {
    expect(isContentTypeAllowed(type, ['image/*', 'application/pdf'])).toBe(allowed);
  });

  it('treats a file with no type (the browser says "", the API omits it) as application/octet-stream', () => {
    expect(isContentTypeAllowed('', ['application/octet-stream'])).toBe(true);
    expect(isContentTypeAllowed(undefined, ['application/octet-stream'])).toBe(true);
    expect(isContentTypeAllowed('', ['application/*'])).toBe(true);
  });
});
