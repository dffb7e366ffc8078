import { describe, expect, it } from 'vitest';
import { CreateUploadRequest } from './api.js';

const accepts = (contentType: string) => CreateUploadRequest.safeParse({ fileName: 'a', size: 1, contentType }).success;

describe('CreateUploadRequest.contentType', () => {
  it.each([
    '',
    'image/png',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'text/plain; charset=utf-8',
    'text/plain;charset=UTF-8;format=flowed',
    'multipart/form-data; boundary="a b\\"c"',
    "application/x-foo+bar.baz_1!#$%&'*^`|~",
  ])('accepts %j', (contentType) => {
    expect(accepts(contentType)).toBe(true);
  });

  it.each([
    ['CR LF (header injection)', 'text/plain\r\nX-Injected: 1'],
    ['CR LF before a parameter', 'text/plain\r\n; x=1'],
    ['LF in a parameter', 'text/plain; a=b\nc'],
    ['NUL', 'text/plain\0'],
    ['NUL in a parameter', 'text/plain; charset=\0'],
    ['U+0100', 'text/plain; name=\u0100'],
    ['Latin-1 in a quoted string', 'text/plain; name="caf\u00e9"'],
    ['emoji', 'image/\u{1F600}'],
    ['no subtype', 'text'],
    ['spaces in the type', 'not a type'],
    ['two slashes', 'a/b/c'],
    ['parameter without a value', 'text/plain; charset'],
    ['trailing semicolon', 'text/plain;'],
    ['unterminated quote', 'text/plain; a="b'],
    ['leading space', ' text/plain'],
    ['DEL', 'text/plain\x7f'],
  ])('refuses %s', (_name, contentType) => {
    expect(accepts(contentType)).toBe(false);
  });
});
