import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatDuration, formatPercent, formatSpeed } from './format.js';

describe('formatBytes', () => {
  it('uses decimal units with at most three significant figures', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1000)).toBe('1.00 kB');
    expect(formatBytes(8_388_608)).toBe('8.39 MB');
    expect(formatBytes(52_428_800)).toBe('52.4 MB');
    expect(formatBytes(123_456_789_012)).toBe('123 GB');
    expect(formatBytes(5 * 1024 ** 4)).toBe('5.50 TB');
  });

  it('shows a dash for values that are not sizes', () => {
    expect(formatBytes(-1)).toBe('–');
    expect(formatBytes(Number.NaN)).toBe('–');
  });
});

describe('formatSpeed', () => {
  it('appends per second and hides an unmeasured speed', () => {
    expect(formatSpeed(12_500_000)).toBe('12.5 MB/s');
    expect(formatSpeed(0)).toBe('–');
  });
});

describe('formatDuration', () => {
  it('rounds to seconds, minutes, hours and days', () => {
    expect(formatDuration(0.2)).toBe('1 s');
    expect(formatDuration(59)).toBe('59 s');
    expect(formatDuration(61)).toBe('1 min');
    expect(formatDuration(3600)).toBe('1 h');
    expect(formatDuration(3600 + 25 * 60)).toBe('1 h 25 min');
    expect(formatDuration(5 * 24 * 3600)).toBe('5 days');
  });

  it('shows a dash when the time left is unknown', () => {
    expect(formatDuration(null)).toBe('–');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('–');
  });
});

describe('formatPercent', () => {
  it('floors so 100% means complete', () => {
    expect(formatPercent(999, 1000)).toBe('99%');
    expect(formatPercent(1000, 1000)).toBe('100%');
    expect(formatPercent(0, 0)).toBe('100%');
  });
});

describe('formatCount', () => {
  it("groups thousands as toLocaleString('en') does", () => {
    for (const count of [0, 7, 999, 1000, 10_000, 123_456, 1_000_000, 5_497_558_138_880, -1234, Number.MAX_SAFE_INTEGER]) {
      expect(formatCount(count)).toBe(count.toLocaleString('en'));
    }
  });

  it('writes other numbers as they are', () => {
    expect(formatCount(1.5)).toBe('1.5');
    expect(formatCount(Number.NaN)).toBe('NaN');
  });
});
