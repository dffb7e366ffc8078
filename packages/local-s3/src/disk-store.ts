/**
 * Persistence under dataDir. Keys never become paths: an object lives under
 * the SHA-256 of its key with a JSON sidecar, so any S3 key ('../', unicode,
 * 1024 bytes) stays inside dataDir. An object's bytes are one or more segment
 * files concatenated in order: a PutObject's body (written to tmp/, renamed in)
 * or a completed upload's part files (renamed in, never copied). The sidecar
 * lists the segments and is renamed last, so a reader sees the old version or
 * the new one, never a mix; the old version's files go once its readers finish.
 * Metadata is also kept in memory.
 *
 * A request's metadata writes (a folder, a sidecar, renames) are synchronous calls
 * on the store's thread, each tens of microseconds: as thread-pool round trips, a
 * Complete took about fifteen event-loop turns, and under load each turn is a wait
 * for the CPU. Work that grows with an upload's parts runs in slices, one per turn.
 *
 *   buckets/<bucket>/bucket.json
 *   buckets/<bucket>/objects/<hh>/<sha256(key)>.json + <sha256(key)>.<uuid>.data (one per segment)
 *   uploads/<uploadId>/upload.json, <partNumber>.json + <partNumber>.<uuid>.data
 *                      complete.json             (only while a Complete moves parts; completion-journal.ts)
 *   tmp/                                            (emptied at start)
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { isCommitted, moveParts, readIntent, removeIntent, undoMoves, writeIntent } from './completion-journal.js';
import type { CorsRule } from './cors.js';
import { readJsonIfValid, writeJsonAtomic, writeJsonAtomicSync } from './json-file.js';
import { KeyedMutex } from './keyed-mutex.js';
import { s3Errors } from './s3-error.js';
import { BucketMetaSchema, ObjectMetaSchema, PartMetaSchema, UploadMetaSchema } from './store-model.js';
import type { SegmentFile } from './segment-slices.js';
import type { BucketMeta, ObjectMeta, PartMeta, Segment, StoredHeaders, UploadMeta } from './store-model.js';
import { VersionLeases } from './version-leases.js';

interface Upload {
  meta: UploadMeta;
  parts: Map<number, PartMeta>;
}

interface Bucket {
  meta: BucketMeta;
  objects: Map<string, ObjectMeta>;
}

/** One version of an object, held for reading: its files stay on disk until release(). */
export interface ObjectReader {
  meta: ObjectMeta;
  segments: SegmentFile[];
  release(): Promise<void>;
}

interface ObjectFields {
  size: number;
  etag: string;
  headers: StoredHeaders;
  lastModified: Date;
}

function keyHash(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

async function listDir(path: string): Promise<string[]> {
  try {
    return await readdir(path);
  } catch {
    return [];
  }
}

/** Files an upload's folder removal deletes per event-loop turn (part sidecars, or part data when aborted). */
const REMOVALS_PER_TURN = 100;

/**
 * upload.json goes first: a folder half removed by a crash must not load as an upload whose
 * parts are gone. The folder is flat (sidecars, part data, the completion journal).
 */
async function removeUploadDir(dir: string): Promise<void> {
  rmSync(join(dir, 'upload.json'), { force: true });
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return;
  }
  for (const [index, file] of files.entries()) {
    if (index > 0 && index % REMOVALS_PER_TURN === 0) await nextTurn();
    rmSync(join(dir, file), { recursive: true, force: true });
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Removes data files and temp leftovers that no sidecar references. */
async function removeUnreferenced(dir: string, files: readonly string[], referenced: ReadonlySet<string>): Promise<void> {
  for (const file of files) {
    if ((file.endsWith('.data') || file.endsWith('.tmp')) && !referenced.has(file)) await rm(join(dir, file), { force: true });
  }
}

export class DiskStore {
  readonly #root: string;
  readonly #buckets = new Map<string, Bucket>();
  readonly #uploads = new Map<string, Upload>();
  readonly #locks = new KeyedMutex();
  readonly #leases = new VersionLeases();

  private constructor(root: string) {
    this.#root = root;
  }

  static async open(root: string): Promise<DiskStore> {
    const store = new DiskStore(root);
    await rm(join(root, 'tmp'), { recursive: true, force: true });
    await Promise.all(['tmp', 'buckets', 'uploads'].map((d) => mkdir(join(root, d), { recursive: true })));
    await store.#load();
    return store;
  }

  async #load(): Promise<void> {
    // Shards are cleaned only after every Complete intent is resolved (completion-journal.ts),
    // so segments an interrupted Complete moved in are moved back, not deleted.
    const shards: { dir: string; files: string[]; referenced: Set<string> }[] = [];
    for (const name of await listDir(join(this.#root, 'buckets'))) {
      const meta = await readJsonIfValid(join(this.#root, 'buckets', name, 'bucket.json'), BucketMetaSchema);
      if (!meta) continue;
      const bucket: Bucket = { meta, objects: new Map() };
      const objectsDir = join(this.#root, 'buckets', name, 'objects');
      for (const shard of await listDir(objectsDir)) {
        const files = await listDir(join(objectsDir, shard));
        const referenced = new Set<string>();
        for (const file of files.filter((f) => f.endsWith('.json'))) {
          const object = await readJsonIfValid(join(objectsDir, shard, file), ObjectMetaSchema);
          if (!object) continue;
          bucket.objects.set(object.key, object);
          for (const segment of object.segments) referenced.add(segment.file);
        }
        shards.push({ dir: join(objectsDir, shard), files, referenced });
      }
      this.#buckets.set(name, bucket);
    }
    for (const uploadId of await listDir(join(this.#root, 'uploads'))) {
      const dir = join(this.#root, 'uploads', uploadId);
      const meta = await readJsonIfValid(join(dir, 'upload.json'), UploadMetaSchema);
      const bucket = meta && this.#buckets.get(meta.bucket);
      if (!meta || !bucket) {
        await rm(dir, { recursive: true, force: true });
        continue;
      }
      const intent = await readIntent(dir);
      if (intent) {
        if (isCommitted(intent, bucket.objects.get(meta.key))) {
          await removeUploadDir(dir);
          continue;
        }
        await undoMoves(dir, this.#objectDir(meta.bucket, meta.key), intent.moves);
        await removeIntent(dir);
      }
      const upload: Upload = { meta, parts: new Map() };
      const files = await listDir(dir);
      const referenced = new Set<string>(['upload.json']);
      for (const file of files.filter((f) => /^\d+\.json$/.test(f))) {
        const part = await readJsonIfValid(join(dir, file), PartMetaSchema);
        if (!part) continue;
        upload.parts.set(part.partNumber, part);
        referenced.add(part.dataFile);
      }
      await removeUnreferenced(dir, files, referenced);
      this.#uploads.set(uploadId, upload);
    }
    // Data no sidecar names: a crash between moving bytes in and writing the sidecar,
    // or a replaced version whose removal the crash cut short.
    for (const shard of shards) await removeUnreferenced(shard.dir, shard.files, shard.referenced);
  }

  /** A fresh path in tmp/ for an incoming body (same filesystem, so rename is atomic). */
  tempPath(): string {
    return join(this.#root, 'tmp', randomUUID());
  }

  // ---- buckets

  bucket(name: string): BucketMeta | undefined {
    return this.#buckets.get(name)?.meta;
  }

  #requireBucket(name: string): Bucket {
    const bucket = this.#buckets.get(name);
    if (!bucket) throw s3Errors.noSuchBucket(name);
    return bucket;
  }

  bucketNames(): BucketMeta[] {
    return [...this.#buckets.values()].map((b) => b.meta).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** False when the bucket already exists. */
  async createBucket(name: string, cors: CorsRule[] | null, now: Date): Promise<boolean> {
    return this.#locks.run(`bucket:${name}`, async () => {
      if (this.#buckets.has(name)) return false;
      const meta: BucketMeta = { name, created: now.toISOString(), cors };
      await mkdir(join(this.#root, 'buckets', name, 'objects'), { recursive: true });
      await writeJsonAtomic(join(this.#root, 'buckets', name, 'bucket.json'), meta);
      this.#buckets.set(name, { meta, objects: new Map() });
      return true;
    });
  }

  async deleteBucket(name: string): Promise<void> {
    await this.#locks.run(`bucket:${name}`, async () => {
      const bucket = this.#requireBucket(name);
      const hasUploads = [...this.#uploads.values()].some((u) => u.meta.bucket === name);
      if (bucket.objects.size > 0 || hasUploads) throw s3Errors.bucketNotEmpty(name);
      this.#buckets.delete(name);
      await rm(join(this.#root, 'buckets', name), { recursive: true, force: true });
    });
  }

  async setCors(name: string, cors: CorsRule[] | null): Promise<void> {
    await this.#locks.run(`bucket:${name}`, async () => {
      const bucket = this.#requireBucket(name);
      bucket.meta = { ...bucket.meta, cors };
      await writeJsonAtomic(join(this.#root, 'buckets', name, 'bucket.json'), bucket.meta);
    });
  }

  // ---- objects

  /** Every object of the bucket sorted by key (UTF-8 binary order, as S3 lists). */
  listObjects(bucketName: string): ObjectMeta[] {
    const bucket = this.#requireBucket(bucketName);
    return [...bucket.objects.values()].sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
  }

  /** The key's current version, held so an overwrite or delete cannot remove its files mid-read. */
  readObject(bucketName: string, key: string): ObjectReader | undefined {
    const meta = this.#requireBucket(bucketName).objects.get(key);
    if (!meta) return undefined;
    const release = this.#leases.acquire(meta);
    const dir = this.#objectDir(bucketName, key);
    return { meta, segments: meta.segments.map((s) => ({ path: join(dir, s.file), size: s.size })), release };
  }

  #objectDir(bucketName: string, key: string): string {
    return join(this.#root, 'buckets', bucketName, 'objects', keyHash(key).slice(0, 2));
  }

  /** A fresh segment file name for the key. */
  #segmentName(key: string): string {
    return `${keyHash(key)}.${randomUUID()}.data`;
  }

  /** Moves a fully written temp file in as the object's new version (last writer wins). */
  async commitObject(bucketName: string, key: string, tempPath: string, fields: ObjectFields): Promise<ObjectMeta> {
    return this.#locks.run(`object:${bucketName}/${key}`, async () => {
      this.#requireBucket(bucketName);
      const dir = this.#objectDir(bucketName, key);
      const file = this.#segmentName(key);
      mkdirSync(dir, { recursive: true });
      renameSync(tempPath, join(dir, file));
      const meta = objectMeta(key, [{ file, size: fields.size }], fields);
      writeJsonAtomicSync(this.#sidecarPath(bucketName, key), meta);
      await this.#replaceInMemory(bucketName, key, meta);
      return meta;
    });
  }

  #sidecarPath(bucketName: string, key: string): string {
    return join(this.#objectDir(bucketName, key), `${keyHash(key)}.json`);
  }

  /** After the sidecar is on disk (or gone): memory follows, and the previous version's files go. Holds the object lock. */
  async #replaceInMemory(bucketName: string, key: string, meta: ObjectMeta | undefined): Promise<void> {
    const bucket = this.#requireBucket(bucketName);
    const previous = bucket.objects.get(key);
    if (meta) bucket.objects.set(key, meta);
    else bucket.objects.delete(key);
    if (!previous) return;
    const dir = this.#objectDir(bucketName, key);
    await this.#leases.retire(previous, async () => {
      await Promise.all(previous.segments.map((s) => rm(join(dir, s.file), { force: true })));
    });
  }

  async deleteObject(bucketName: string, key: string): Promise<void> {
    await this.#locks.run(`object:${bucketName}/${key}`, async () => {
      const bucket = this.#requireBucket(bucketName);
      if (!bucket.objects.has(key)) return;
      rmSync(this.#sidecarPath(bucketName, key), { force: true });
      await this.#replaceInMemory(bucketName, key, undefined);
    });
  }

  // ---- multipart uploads

  async createUpload(bucketName: string, key: string, headers: StoredHeaders, now: Date): Promise<UploadMeta> {
    this.#requireBucket(bucketName);
    const uploadId = randomBytes(30).toString('base64url');
    const meta: UploadMeta = { uploadId, bucket: bucketName, key, initiated: now.toISOString(), headers };
    const dir = join(this.#root, 'uploads', uploadId);
    mkdirSync(dir, { recursive: true });
    writeJsonAtomicSync(join(dir, 'upload.json'), meta);
    this.#uploads.set(uploadId, { meta, parts: new Map() });
    return meta;
  }

  /** The upload if it exists for this bucket and key; S3 answers NoSuchUpload otherwise. */
  upload(bucketName: string, key: string, uploadId: string): UploadMeta {
    const upload = this.#uploads.get(uploadId);
    if (!upload || upload.meta.bucket !== bucketName || upload.meta.key !== key) throw s3Errors.noSuchUpload(uploadId);
    return upload.meta;
  }

  uploads(bucketName: string): UploadMeta[] {
    this.#requireBucket(bucketName);
    return [...this.#uploads.values()].filter((u) => u.meta.bucket === bucketName).map((u) => u.meta);
  }

  parts(bucketName: string, key: string, uploadId: string): PartMeta[] {
    this.upload(bucketName, key, uploadId);
    const parts = this.#uploads.get(uploadId)?.parts ?? new Map<number, PartMeta>();
    return [...parts.values()].sort((a, b) => a.partNumber - b.partNumber);
  }

  /** Moves a fully written part in; a concurrent upload of the same number is replaced whole. */
  async commitPart(
    bucketName: string,
    key: string,
    uploadId: string,
    tempPath: string,
    fields: { partNumber: number; size: number; etag: string; lastModified: Date },
  ): Promise<PartMeta> {
    return this.#locks.run(`upload:${uploadId}`, async () => {
      this.upload(bucketName, key, uploadId);
      const upload = this.#uploads.get(uploadId);
      if (!upload) throw s3Errors.noSuchUpload(uploadId);
      const dir = join(this.#root, 'uploads', uploadId);
      const dataFile = `${fields.partNumber}.${randomUUID()}.data`;
      renameSync(tempPath, join(dir, dataFile));
      const part: PartMeta = { ...fields, lastModified: fields.lastModified.toISOString(), dataFile };
      writeJsonAtomicSync(join(dir, `${fields.partNumber}.json`), part);
      const previous = upload.parts.get(fields.partNumber);
      upload.parts.set(fields.partNumber, part);
      if (previous) await rm(join(dir, previous.dataFile), { force: true });
      return part;
    });
  }

  /**
   * Runs `plan` under the upload's lock with its current parts; `plan` validates
   * and returns the parts that make the object, in order (or throws). The part
   * files are renamed into the object's folder as its segments, so Complete costs
   * O(parts) whatever the size; the crash order is in completion-journal.ts.
   */
  async completeUpload(
    bucketName: string,
    key: string,
    uploadId: string,
    plan: (parts: ReadonlyMap<number, PartMeta>) => { parts: PartMeta[]; etag: string },
    now: () => Date,
  ): Promise<ObjectMeta> {
    return this.#locks.run(`upload:${uploadId}`, async () => {
      const upload = this.#uploads.get(uploadId);
      const meta = this.upload(bucketName, key, uploadId);
      if (!upload) throw s3Errors.noSuchUpload(uploadId);
      const { parts, etag } = plan(upload.parts);
      const uploadDir = join(this.#root, 'uploads', uploadId);
      const placed = parts.map((p) => ({ from: p.dataFile, to: this.#segmentName(key), size: p.size }));
      const moves = placed.map(({ from, to }) => ({ from, to }));
      const segments = placed.map(({ to, size }): Segment => ({ file: to, size }));
      const size = parts.reduce((sum, p) => sum + p.size, 0);
      const object = await this.#locks.run(`object:${bucketName}/${key}`, async () => {
        this.#requireBucket(bucketName);
        const objectDir = this.#objectDir(bucketName, key);
        const fresh = objectMeta(key, segments, { size, etag, headers: meta.headers, lastModified: now() });
        mkdirSync(objectDir, { recursive: true });
        writeIntent(uploadDir, { key, moves });
        try {
          await moveParts(uploadDir, objectDir, moves);
          writeJsonAtomicSync(this.#sidecarPath(bucketName, key), fresh);
        } catch (error) {
          // Not committed: put the parts back so the upload stays completable. If that fails
          // too, the intent stays and the next start undoes the moves.
          await undoMoves(uploadDir, objectDir, moves)
            .then(() => removeIntent(uploadDir))
            .catch(() => undefined);
          throw error;
        }
        await this.#replaceInMemory(bucketName, key, fresh);
        return fresh;
      });
      this.#uploads.delete(uploadId);
      await removeUploadDir(uploadDir);
      return object;
    });
  }

  async abortUpload(bucketName: string, key: string, uploadId: string): Promise<void> {
    await this.#locks.run(`upload:${uploadId}`, async () => {
      this.upload(bucketName, key, uploadId);
      this.#uploads.delete(uploadId);
      await removeUploadDir(join(this.#root, 'uploads', uploadId));
    });
  }
}

function objectMeta(key: string, segments: Segment[], fields: ObjectFields): ObjectMeta {
  return {
    key,
    size: fields.size,
    etag: fields.etag,
    lastModified: fields.lastModified.toISOString(),
    headers: fields.headers,
    segments,
  };
}
