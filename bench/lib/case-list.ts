/**
 * Every benchmark case the runner knows, by module. A module's default export
 * (or any export shaped like a BenchCase) is the case. A listed module that is
 * not there yet is reported and skipped, so the runner works while cases land.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchCase } from './types.js';

export const CASE_MODULES: readonly string[] = [
  '../cases/throughput.ts',
  '../cases/slow-link.ts',
  '../cases/small-files.ts',
  '../cases/memory.ts',
  '../cases/cancel.ts',
  '../cases/ui-smoothness.ts',
  '../cases/server.ts',
];

export class CaseModuleError extends Error {
  override name = 'CaseModuleError';
}

function isBenchCase(value: unknown): value is BenchCase {
  return typeof value === 'object' && value !== null && typeof (value as BenchCase).name === 'string' && typeof (value as BenchCase).run === 'function';
}

export interface LoadedCases {
  cases: BenchCase[];
  /** Listed modules that do not exist yet. */
  missing: string[];
}

export async function loadCases(modules: readonly string[] = CASE_MODULES): Promise<LoadedCases> {
  const cases: BenchCase[] = [];
  const missing: string[] = [];
  for (const module of modules) {
    const url = new URL(module, import.meta.url);
    if (!existsSync(fileURLToPath(url))) {
      missing.push(module);
      continue;
    }
    const exports = (await import(url.href)) as Record<string, unknown>;
    const found = isBenchCase(exports.default) ? [exports.default] : Object.values(exports).filter(isBenchCase);
    if (found.length === 0) throw new CaseModuleError(`${module} exports no BenchCase ({ name, run })`);
    for (const benchCase of found) if (!cases.some((known) => known.name === benchCase.name)) cases.push(benchCase);
  }
  return { cases, missing };
}
