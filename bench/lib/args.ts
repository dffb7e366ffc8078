/**
 * The runner's command line: `--only a,b`, `--runs 3` (at least 3), `--size 1GiB`,
 * `--slow-size 256MiB`, `--no-build`.
 */
import { parseSize } from './size.js';

export interface BenchArgs {
  /** Case names to run; empty runs every case. */
  only: string[];
  runs: number;
  fileSize: number;
  /** File size for the slow-link case, where a full 1 GiB per run would take minutes. */
  slowFileSize: number;
  /** Skip `vite build` (the client in dist/ is already current). */
  build: boolean;
}

export class BenchArgsError extends Error {
  override name = 'BenchArgsError';
}

export const MIN_RUNS = 3;

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const value = (name: string): string | undefined => {
    const index = argv.indexOf(`--${name}`);
    if (index === -1) return undefined;
    const next = argv[index + 1];
    if (next === undefined || next.startsWith('--')) throw new BenchArgsError(`--${name} needs a value`);
    return next;
  };
  const runs = Number(value('runs') ?? MIN_RUNS);
  if (!Number.isInteger(runs) || runs < MIN_RUNS) throw new BenchArgsError(`--runs must be a whole number ≥ ${MIN_RUNS}`);
  const only = (value('only') ?? '').split(',').map((name) => name.trim()).filter((name) => name !== '');
  return {
    only,
    runs,
    fileSize: parseSize(value('size') ?? '1GiB'),
    slowFileSize: parseSize(value('slow-size') ?? '256MiB'),
    build: !argv.includes('--no-build'),
  };
}
