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
  return writeRandomFile(join(CACHE_DIR, name), size, 0);
}

/**
 * `count` files of `size` pseudo-random bytes each, every one different (the
 * keystream's IV is the file's index), made once and cached in their own folder.
 */
export async function testFiles(count: number, size: number): Promise<string[]> {
  const dir = join(CACHE_DIR, `files-${count}x${size}`);
  await mkdir(dir, { recursive: true });
  const width = String(count).length;
  const paths: string[] = [];
  for (let index = 0; index < count; index += 1) {
    paths.push(await writeRandomFile(join(dir, `file-${String(index + 1).padStart(width, '0')}.bin`), size, index + 1));
  }
  return paths;
}

async function writeRandomFile(path: string, size: number, seed: number): Promise<string> {
  if (existsSync(path)) return path;
  const iv = Buffer.alloc(16, 0);
  iv.writeUInt32BE(seed, 0);
  const cipher = createCipheriv('aes-128-ctr', Buffer.alloc(16, 7), iv);
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
