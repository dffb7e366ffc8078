import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaseModuleError, loadCases } from './case-list.js';

describe('loadCases', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bench-cases-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const module = async (name: string, source: string) => {
    await writeFile(join(dir, name), source);
    return pathToFileURL(join(dir, name)).href;
  };

  it('takes the default export or named BenchCase exports, and lists modules not there yet', async () => {
    const byDefault = await module('a.mjs', "export default { name: 'a', run: async () => [] };");
    const byName = await module('b.mjs', "export const helper = 1; export const b = { name: 'b', run: async () => [] };");
    const { cases, missing } = await loadCases([byDefault, byName, pathToFileURL(join(dir, 'later.mjs')).href]);
    expect(cases.map((c) => c.name)).toEqual(['a', 'b']);
    expect(missing).toEqual([pathToFileURL(join(dir, 'later.mjs')).href]);
  });

  it('the real cases answer to the names `npm run bench -- --only` documents', async () => {
    const { cases, missing } = await loadCases();
    expect(missing).toEqual([]);
    expect(cases.map((c) => c.name).sort()).toEqual(['cancel', 'memory', 'server', 'slow-link', 'small-files', 'throughput', 'ui']);
  });

  it('refuses a module with no case in it', async () => {
    await expect(loadCases([await module('c.mjs', 'export const nothing = 1;')])).rejects.toThrow(CaseModuleError);
  });
});
