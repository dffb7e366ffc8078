import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BodyWriteError, BodyWriterPool, URGENT_BODY_BYTES } from './body-writer-pool.js';

const MiB = 1024 * 1024;

describe('BodyWriterPool', () => {
  let dir: string;
  let pool: BodyWriterPool;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'body-writer-'));
    pool = new BodyWriterPool(1);
  });
  afterAll(async () => {
    await pool.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the chunks in order and answers the digests asked for, moving whole-buffer chunks and copying views', async () => {
    const path = join(dir, 'body');
    const owned = new Uint8Array(100_000).map((_, i) => i % 251);
    const shared = Buffer.from('a view into a bigger buffer, copied not moved');
    const view = shared.subarray(2, 20);
    const expected = Buffer.concat([owned, view]);
    const write = await pool.open(path, expected.length, { sha256: true, checksum: 'crc32' });
    await write.write([owned, view]);
    const digests = await write.finish();

    expect(await readFile(path)).toEqual(expected);
    expect(digests.md5Hex).toBe(createHash('md5').update(expected).digest('hex'));
    expect(digests.sha256Hex).toBe(createHash('sha256').update(expected).digest('hex'));
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(expected) >>> 0);
    expect(digests.checksumBase64).toBe(crc.toString('base64'));
    expect(owned.byteLength).toBe(0); // moved to the writer thread
    expect(shared.toString()).toBe('a view into a bigger buffer, copied not moved');
  });

  it('answers only MD5 when nothing else is asked for', async () => {
    const path = join(dir, 'md5-only');
    const write = await pool.open(path, 3, { sha256: false, checksum: undefined });
    await write.write([Buffer.from('abc')]);
    expect(await write.finish()).toEqual({ md5Hex: createHash('md5').update('abc').digest('hex'), sha256Hex: undefined, checksumBase64: undefined });
  });

  it('fails with the errno code when the file cannot be created, and refuses a path that exists', async () => {
    await expect(pool.open(join(dir, 'no-such-dir', 'body'), 1, { sha256: false, checksum: undefined })).rejects.toMatchObject({
      name: 'BodyWriteError',
      code: 'ENOENT',
    });
    const path = join(dir, 'taken');
    await (await pool.open(path, 0, { sha256: false, checksum: undefined })).finish();
    const again = pool.open(path, 0, { sha256: false, checksum: undefined });
    await expect(again).rejects.toBeInstanceOf(BodyWriteError);
    await expect(again).rejects.toMatchObject({ code: 'EEXIST' });
  });

  it('discard closes the file and leaves it for the caller to remove', async () => {
    const path = join(dir, 'discarded');
    const write = await pool.open(path, 10, { sha256: false, checksum: undefined });
    await write.write([Buffer.from('12345')]);
    await write.discard();
    expect((await stat(path)).size).toBe(5);
  });

  it("serves a small body before a big body's queued batches", async () => {
    const batch = MiB / 4;
    const big = await pool.open(join(dir, 'big'), 512 * batch, { sha256: false, checksum: undefined });
    const order: string[] = [];
    const batches = Array.from({ length: 512 }, () => big.write([new Uint8Array(batch)]));
    const bigDone = Promise.all(batches).then(() => order.push('big'));
    const small = await pool.open(join(dir, 'small'), URGENT_BODY_BYTES, { sha256: false, checksum: undefined });
    await small.write([new Uint8Array(URGENT_BODY_BYTES)]);
    await small.finish();
    order.push('small');
    await bigDone;
    await big.finish();
    expect(order).toEqual(['small', 'big']);
  });
});
