import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { CompletedPart } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStore } from './test-support.js';
import type { TestStore } from './test-support.js';

const MiB = 1024 * 1024;
const Bucket = 'uploads';
let t: TestStore;

beforeAll(async () => {
  t = await startTestStore();
});
afterAll(() => t.stop());

function bytes(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + seed * 7 + (i >> 12)) & 0xff;
  return out;
}

const hashOf = (key: string): string => createHash('sha256').update(key).digest('hex');
const shardOf = (key: string): string => join(t.dataDir, 'buckets', Bucket, 'objects', hashOf(key).slice(0, 2));

/** The key's segment files in its shard folder (other keys may share the shard). */
async function dataFilesOf(key: string): Promise<string[]> {
  const hash = hashOf(key);
  const files = await readdir(shardOf(key)).catch(() => [] as string[]);
  return files.filter((f) => f.startsWith(`${hash}.`) && f.endsWith('.data')).sort();
}

/** Creates an upload and stores the parts; returns what Complete needs. */
async function uploadParts(Key: string, parts: Buffer[]): Promise<{ UploadId: string; Parts: CompletedPart[] }> {
  const { UploadId } = await t.client.send(new CreateMultipartUploadCommand({ Bucket, Key }));
  if (!UploadId) throw new Error('no UploadId');
  const Parts: CompletedPart[] = [];
  for (const [i, Body] of parts.entries()) {
    const { ETag } = await t.client.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: i + 1, Body }));
    Parts.push({ PartNumber: i + 1, ETag });
  }
  return { UploadId, Parts };
}

async function completedObject(Key: string, parts: Buffer[]): Promise<Buffer> {
  const { UploadId, Parts } = await uploadParts(Key, parts);
  await t.client.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts } }));
  return Buffer.concat(parts);
}

async function get(Key: string, Range?: string): Promise<{ body: Buffer; status: number | undefined; contentRange: string | undefined }> {
  const got = await t.client.send(new GetObjectCommand({ Bucket, Key, Range }));
  return { body: Buffer.from(await got.Body!.transformToByteArray()), status: got.$metadata.httpStatusCode, contentRange: got.ContentRange };
}

async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100 && !(await check()); i++) await new Promise((r) => setTimeout(r, 10));
}

describe('a completed multipart object is its part files, moved', () => {
  const Key = 'segments/three';
  const parts = [bytes(5 * MiB, 1), bytes(5 * MiB, 2), bytes(3 * MiB + 17, 3)];
  let whole: Buffer;

  beforeAll(async () => {
    const { UploadId, Parts } = await uploadParts(Key, parts);
    const uploadDir = join(t.dataDir, 'uploads', UploadId);
    const partInodes = await Promise.all(
      (await readdir(uploadDir)).filter((f) => f.endsWith('.data')).map(async (f) => (await stat(join(uploadDir, f))).ino),
    );
    expect(partInodes).toHaveLength(3);
    await t.client.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts } }));
    whole = Buffer.concat(parts);
    // No copy: the object's files are the very part files (same inodes), none holds the whole object.
    const segments = await dataFilesOf(Key);
    const stats = await Promise.all(segments.map((f) => stat(join(shardOf(Key), f))));
    expect(stats.map((s) => s.ino).sort()).toEqual(partInodes.sort());
    expect(stats.map((s) => s.size).sort((a, b) => a - b)).toEqual([3 * MiB + 17, 5 * MiB, 5 * MiB]);
  });

  it('GET returns the parts concatenated', async () => {
    const { body, status } = await get(Key);
    expect(status).toBe(200);
    expect(body.equals(whole)).toBe(true);
  });

  it.each([
    ['starting in part 1 and ending in part 3', `bytes=${5 * MiB - 10}-${10 * MiB + 10}`, 5 * MiB - 10, 10 * MiB + 10],
    ['exactly part 2', `bytes=${5 * MiB}-${10 * MiB - 1}`, 5 * MiB, 10 * MiB - 1],
    ['one byte each side of a boundary', `bytes=${5 * MiB - 1}-${5 * MiB}`, 5 * MiB - 1, 5 * MiB],
    ['the first byte of part 3 onwards', `bytes=${10 * MiB}-`, 10 * MiB, 13 * MiB + 16],
    ['a suffix inside the last part', 'bytes=-100', 13 * MiB + 17 - 100, 13 * MiB + 16],
    ['an end past the object', `bytes=${13 * MiB}-${20 * MiB}`, 13 * MiB, 13 * MiB + 16],
  ])('Range %s answers 206 with those bytes', async (_name, range, start, end) => {
    const { body, status, contentRange } = await get(Key, range);
    expect(status).toBe(206);
    expect(contentRange).toBe(`bytes ${start}-${end}/${whole.length}`);
    expect(body.equals(whole.subarray(start, end + 1))).toBe(true);
  });

  it('Range starting past the end answers 416 InvalidRange', async () => {
    const error = (await get(Key, `bytes=${whole.length}-`).catch((e: unknown) => e)) as S3ServiceException;
    expect({ name: error.name, status: error.$metadata?.httpStatusCode }).toEqual({ name: 'InvalidRange', status: 416 });
  });
});

describe('old versions', () => {
  it('an overwrite frees the previous version’s segment files', async () => {
    const Key = 'segments/overwrite';
    await completedObject(Key, [bytes(5 * MiB, 4), bytes(10, 5)]);
    const before = await dataFilesOf(Key);
    expect(before).toHaveLength(2);
    await t.client.send(new PutObjectCommand({ Bucket, Key, Body: 'new' }));
    const after = await dataFilesOf(Key);
    expect(after).toHaveLength(1);
    expect(after.filter((f) => before.includes(f))).toEqual([]);
    expect((await get(Key)).body.toString()).toBe('new');
    // And a Complete over a Put frees the Put's file.
    const next = await completedObject(Key, [bytes(5 * MiB, 6), bytes(7, 7)]);
    expect((await dataFilesOf(Key)).filter((f) => after.includes(f))).toEqual([]);
    expect((await get(Key)).body.equals(next)).toBe(true);
  });

  it('DeleteObject frees every segment file and the sidecar', async () => {
    const Key = 'segments/delete';
    await completedObject(Key, [bytes(5 * MiB, 8), bytes(5 * MiB, 9), bytes(1, 10)]);
    expect(await dataFilesOf(Key)).toHaveLength(3);
    await t.client.send(new DeleteObjectCommand({ Bucket, Key }));
    expect(await dataFilesOf(Key)).toEqual([]);
    expect((await readdir(shardOf(Key))).filter((f) => f.startsWith(hashOf(Key)))).toEqual([]);
  });

  it('a GET that started before an overwrite and a delete streams the old version whole, then its files go', async () => {
    const Key = 'segments/in-flight';
    const old = await completedObject(Key, [bytes(5 * MiB, 11), bytes(5 * MiB, 12), bytes(5 * MiB, 13)]);
    const oldFiles = await dataFilesOf(Key);
    const got = await t.client.send(new GetObjectCommand({ Bucket, Key }));
    const stream = got.Body as Readable;
    const chunks: Buffer[] = [];
    const iterator = stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    chunks.push(first.value as Buffer);
    await t.client.send(new PutObjectCommand({ Bucket, Key, Body: 'replaced' }));
    await t.client.send(new DeleteObjectCommand({ Bucket, Key }));
    // The old files outlive the overwrite while the GET reads them.
    expect((await dataFilesOf(Key)).filter((f) => oldFiles.includes(f)).length).toBeGreaterThan(0);
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) chunks.push(next.value as Buffer);
    expect(Buffer.concat(chunks).equals(old)).toBe(true);
    await eventually(async () => (await dataFilesOf(Key)).length === 0);
    expect(await dataFilesOf(Key)).toEqual([]);
  });
});

describe('restart', () => {
  it('keeps a multipart object readable and removes orphan data files', async () => {
    const Key = 'segments/restart';
    const whole = await completedObject(Key, [bytes(5 * MiB, 14), bytes(5 * MiB, 15), bytes(100, 16)]);
    const orphan = `${hashOf(Key)}.${randomUUID()}.data`;
    await writeFile(join(shardOf(Key), orphan), 'orphan');
    await t.restart();
    expect(await readdir(shardOf(Key))).not.toContain(orphan);
    expect(await dataFilesOf(Key)).toHaveLength(3);
    expect((await get(Key)).body.equals(whole)).toBe(true);
    const { body } = await get(Key, `bytes=${5 * MiB - 3}-${10 * MiB + 3}`);
    expect(body.equals(whole.subarray(5 * MiB - 3, 10 * MiB + 4))).toBe(true);
  });

  /** Plays a Complete by hand up to a crash point: the intent, then `moved` part files renamed into the shard. */
  async function crashMidComplete(Key: string, parts: Buffer[], moved: number): Promise<{ UploadId: string; Parts: CompletedPart[]; segments: { file: string; size: number }[] }> {
    const { UploadId, Parts } = await uploadParts(Key, parts);
    const uploadDir = join(t.dataDir, 'uploads', UploadId);
    const partFiles = await Promise.all(
      parts.map(async (_p, i) => (JSON.parse(await readFile(join(uploadDir, `${i + 1}.json`), 'utf8')) as { dataFile: string }).dataFile),
    );
    const moves = partFiles.map((from) => ({ from, to: `${hashOf(Key)}.${randomUUID()}.data` }));
    await writeFile(join(uploadDir, 'complete.json'), JSON.stringify({ key: Key, moves }));
    await mkdir(shardOf(Key), { recursive: true });
    for (const move of moves.slice(0, moved)) await rename(join(uploadDir, move.from), join(shardOf(Key), move.to));
    return { UploadId, Parts, segments: moves.map((m, i) => ({ file: m.to, size: parts[i]!.length })) };
  }

  it('a crash before the object sidecar is written leaves the upload, completable, and no object', async () => {
    const Key = 'segments/crash-before-commit';
    const parts = [bytes(5 * MiB, 17), bytes(5 * MiB, 18), bytes(9, 19)];
    const { UploadId, Parts } = await crashMidComplete(Key, parts, 2);
    await t.restart();
    expect(await dataFilesOf(Key)).toEqual([]);
    expect(await readdir(join(t.dataDir, 'uploads', UploadId))).not.toContain('complete.json');
    const listed = await t.client.send(new ListPartsCommand({ Bucket, Key, UploadId }));
    expect(listed.Parts?.map((p) => [p.PartNumber, p.Size, p.ETag])).toEqual(Parts.map((p, i) => [p.PartNumber, parts[i]!.length, p.ETag]));
    const missing = await get(Key).catch((e: unknown) => e);
    expect((missing as S3ServiceException).name).toBe('NoSuchKey');
    await t.client.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts } }));
    expect((await get(Key)).body.equals(Buffer.concat(parts))).toBe(true);
  });

  it('a crash after the object sidecar is written leaves the object and no upload', async () => {
    const Key = 'segments/crash-after-commit';
    const parts = [bytes(5 * MiB, 20), bytes(11, 21)];
    const { UploadId, segments } = await crashMidComplete(Key, parts, 2);
    const meta = { key: Key, size: 5 * MiB + 11, etag: '"0123456789abcdef0123456789abcdef-2"', lastModified: new Date(t.clock.now).toISOString(), headers: { contentType: 'application/octet-stream', extra: {} }, segments };
    await writeFile(join(shardOf(Key), `${hashOf(Key)}.json`), JSON.stringify(meta));
    await t.restart();
    expect(await readdir(join(t.dataDir, 'uploads'))).not.toContain(UploadId);
    const { Uploads = [] } = await t.client.send(new ListMultipartUploadsCommand({ Bucket, Prefix: Key }));
    expect(Uploads).toEqual([]);
    const got = await get(Key);
    expect(got.body.equals(Buffer.concat(parts))).toBe(true);
    expect(await dataFilesOf(Key)).toEqual(segments.map((s) => s.file).sort());
  });

  it('reads a sidecar from before segments (one dataFile)', async () => {
    const Key = 'segments/legacy';
    const body = bytes(1000, 22);
    const dataFile = `${hashOf(Key)}.${randomUUID()}.data`;
    await mkdir(shardOf(Key), { recursive: true });
    await writeFile(join(shardOf(Key), dataFile), body);
    const meta = { key: Key, size: body.length, etag: `"${createHash('md5').update(body).digest('hex')}"`, lastModified: new Date(t.clock.now).toISOString(), headers: { contentType: 'text/plain', extra: {} }, dataFile };
    await writeFile(join(shardOf(Key), `${hashOf(Key)}.json`), JSON.stringify(meta));
    await t.restart();
    expect((await get(Key)).body.equals(body)).toBe(true);
    expect((await get(Key, 'bytes=10-19')).body.equals(body.subarray(10, 20))).toBe(true);
    await t.client.send(new PutObjectCommand({ Bucket, Key, Body: 'after' }));
    expect(await dataFilesOf(Key)).not.toContain(dataFile);
  });
});
