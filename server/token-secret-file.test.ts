import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrCreateTokenSecret } from './token-secret-file.js';

describe('loadOrCreateTokenSecret', () => {
  let dir = '';
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('creates a private secret once and returns the same one after a restart', async () => {
    dir = await mkdtemp(join(tmpdir(), 'secret-'));
    const path = join(dir, 'nested', 'token-secret');
    const first = await loadOrCreateTokenSecret(path);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await loadOrCreateTokenSecret(path)).toBe(first);
  });

  it('replaces a file too short to be a secret', async () => {
    dir = await mkdtemp(join(tmpdir(), 'secret-'));
    const path = join(dir, 'token-secret');
    await writeFile(path, 'short');
    const secret = await loadOrCreateTokenSecret(path);
    expect(secret).not.toBe('short');
    expect((await readFile(path, 'utf8')).trim()).toBe(secret);
  });
});
