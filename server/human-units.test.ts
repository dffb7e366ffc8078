import { describe, expect, it } from 'vitest';
import { parseDurationMs, parseSize } from './human-units.js';

describe('parseSize', () => {
  it.each([
    ['1048576', 1_048_576],
    ['8MiB', 8 * 1024 ** 2],
    ['8 mib', 8 * 1024 ** 2],
    ['5TiB', 5 * 1024 ** 4],
    ['1.5GiB', 1.5 * 1024 ** 3],
    ['10MB', 10_000_000],
    ['2k', 2000],
  ])('%j -> %d', (text, bytes) => expect(parseSize(text)).toBe(bytes));

  it.each(['', 'MiB', '8 parsecs', '-1', '1e3', '99999999999999999999TiB'])('refuses %j', (text) => expect(parseSize(text)).toBeUndefined());
});

describe('parseDurationMs', () => {
  it.each([
    ['900', 900_000],
    ['15m', 900_000],
    ['24h', 86_400_000],
    ['1d', 86_400_000],
    ['250ms', 250],
    ['0', 0],
  ])('%j -> %d', (text, ms) => expect(parseDurationMs(text)).toBe(ms));

  it.each(['', 'soon', '1w', '-5s'])('refuses %j', (text) => expect(parseDurationMs(text)).toBeUndefined());
});
