import { describe, expect, it } from 'vitest';
import { formatSize, megabytesPerSecond, parseSize } from './size.js';

describe('sizes', () => {
  it('parses binary and decimal units', () => {
    expect(parseSize('1GiB')).toBe(1024 ** 3);
    expect(parseSize('256 mib')).toBe(256 * 1024 ** 2);
    expect(parseSize('200MB')).toBe(200e6);
    expect(parseSize('1.5KiB')).toBe(1536);
    expect(parseSize('42')).toBe(42);
  });

  it('formats whole GiB and MiB, and bytes otherwise', () => {
    expect(formatSize(4 * 1024 ** 3)).toBe('4 GiB');
    expect(formatSize(64 * 1024 ** 2)).toBe('64 MiB');
    expect(formatSize(200e6)).toBe('200000000 bytes');
  });

  it('gives throughput in 10^6 bytes per second', () => {
    expect(megabytesPerSecond(50e6, 500)).toBe(100);
  });
});
