/**
 * What this runner gives cases beyond BenchContext. Cases read it with
 * `slowFileSizeOf`, so they still run under a runner that lacks it.
 */
import type { BenchContext } from './types.js';

export interface RunnerContext {
  /** File size for the slow-link case (`--slow-size`, default 256 MiB). */
  slowFileSize: number;
}

export const DEFAULT_SLOW_FILE_SIZE = 256 * 1024 * 1024;

export function slowFileSizeOf(context: BenchContext): number {
  const value = (context as Partial<RunnerContext> & BenchContext).slowFileSize;
  return typeof value === 'number' && value > 0 ? value : Math.min(context.fileSize, DEFAULT_SLOW_FILE_SIZE);
}
