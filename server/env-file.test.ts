import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadEnvFile } from './env-file.js';

describe('loadEnvFile', () => {
  let dir = '';
  afterEach(async () => {
    delete process.env.ENV_FILE_TEST_FROM_FILE;
    delete process.env.ENV_FILE_TEST_SET_BEFORE;
    await rm(dir, { recursive: true, force: true });
  });

  it('adds the file\'s settings without overriding the environment', async () => {
    dir = await mkdtemp(join(tmpdir(), 'env-file-'));
    const path = join(dir, '.env');
    await writeFile(path, 'ENV_FILE_TEST_FROM_FILE=file\nENV_FILE_TEST_SET_BEFORE=file\n');
    process.env.ENV_FILE_TEST_SET_BEFORE = 'environment';
    expect(loadEnvFile(path)).toBe(true);
    expect(process.env.ENV_FILE_TEST_FROM_FILE).toBe('file');
    expect(process.env.ENV_FILE_TEST_SET_BEFORE).toBe('environment');
  });

  it('does nothing when there is no file, or when told to read none', () => {
    expect(loadEnvFile(join(tmpdir(), 'no-such-dir', '.env'))).toBe(false);
    expect(loadEnvFile('')).toBe(false);
  });
});
