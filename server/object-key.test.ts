import { describe, expect, it } from 'vitest';
import { createObjectKey, fileNameOfKey, sanitizeFileName } from './object-key.js';

describe('sanitizeFileName', () => {
  it.each([
    ['report.pdf', 'report.pdf'],
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\me\\photo.jpg', 'photo.jpg'],
    ['dir/sub/', 'file'],
    ['', 'file'],
    ['.', 'file'],
    ['..', 'file'],
    ['...', 'file'],
    ['a\u0000b\u001fc\u007f.txt', 'abc.txt'],
    ['evil\u202Etxt.exe', 'eviltxt.exe'],
    ['my file (1)!.txt', 'my file (1)!.txt'],
    ['a?b*c<d>e|f"g:h.txt', 'a_b_c_d_e_f_g_h.txt'],
    ['a%%%%b', 'a_b'],
    ['résumé.pdf', 'résumé.pdf'],
    ['日本語ファイル.png', '日本語ファイル.png'],
    ['  spaced   out  .txt  ', 'spaced out .txt'],
    ['/', 'file'],
  ])('%j -> %j', (input, expected) => {
    expect(sanitizeFileName(input)).toBe(expected);
  });

  it('normalizes to NFC', () => {
    const decomposed = 'cafe\u0301.txt';
    expect(sanitizeFileName(decomposed)).toBe('caf\u00e9.txt');
  });

  it('caps the length and keeps the extension', () => {
    const name = sanitizeFileName(`${'x'.repeat(500)}.tar.gz`, 50);
    expect(Array.from(name)).toHaveLength(50);
    expect(name.endsWith('.gz')).toBe(true);
  });

  it('caps by code points, never splitting a surrogate pair', () => {
    const name = sanitizeFileName('𝒳'.repeat(300), 10);
    expect(name).toBe('𝒳'.repeat(10));
  });
});

describe('createObjectKey', () => {
  it('puts the sanitized name under prefix/uuid/', () => {
    const key = createObjectKey('uploads/', '../a b.txt', () => '1234');
    expect(key).toBe('uploads/1234/a b.txt');
    expect(fileNameOfKey(key)).toBe('a b.txt');
  });
});
