import { describe, expect, it } from 'vitest';
import { BenchArgsError, parseBenchArgs } from './args.js';

describe('parseBenchArgs', () => {
  it('defaults to every case, 3 runs, 1 GiB, 256 MiB on the slow link, and a build', () => {
    expect(parseBenchArgs([])).toEqual({ only: [], runs: 3, fileSize: 1024 ** 3, slowFileSize: 256 * 1024 ** 2, build: true });
  });

  it('reads --only, --runs, --size, --slow-size and --no-build', () => {
    const args = parseBenchArgs(['--only', 'throughput, memory', '--runs', '5', '--size', '64MiB', '--slow-size', '32MiB', '--no-build']);
    expect(args).toEqual({ only: ['throughput', 'memory'], runs: 5, fileSize: 64 * 1024 ** 2, slowFileSize: 32 * 1024 ** 2, build: false });
  });

  it('refuses fewer than 3 runs, a missing value and a size it cannot read', () => {
    expect(() => parseBenchArgs(['--runs', '2'])).toThrow(BenchArgsError);
    expect(() => parseBenchArgs(['--size'])).toThrow(/--size needs a value/);
    expect(() => parseBenchArgs(['--size', 'big'])).toThrow(/not a size/);
  });
});
