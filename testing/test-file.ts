import { createCipheriv, createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

const CACHE_DIR = join(tmpdir(), 's3-big-upload-test-files');
const CHUNK = 1024 * 1024;

/**
 * A file of `size` pseudo-random bytes (AES-CTR keystream, so no two parts
 * look alike), made once and cached outside the repo.
 */
export async function testFile(size: number, name = `random-${size}.bin`): Promise<string> {
  await mkdir(CACHE_DIR, { recursive: true });
  const path = join(CACHE_DIR, name);
  if (existsSync(path)) return path;
  const cipher = createCipheriv('aes-128-ctr', Buffer.alloc(16, 7), Buffer.alloc(16, 0));
  const zeros = Buffer.alloc(CHUNK);
  async function* chunks() {
    for (let written = 0; written < size; written += CHUNK) {
      yield cipher.update(zeros.subarray(0, Math.min(CHUNK, size - written)));
    }
  }
  const partial = `${path}.${process.pid}.tmp`;
  await pipeline(chunks, createWriteStream(partial));
  await rename(partial, path);
  return path;
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}
