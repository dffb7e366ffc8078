/**
 * The last stage of an ingest: writes each batch of chunks with one writev and
 * hashes the batch (MD5, plus whatever the request needs verified) while that
 * write runs in libuv's thread pool.
 */
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';
import type { ChecksumMeter } from './checksum.js';
import { s3Errors } from './s3-error.js';

const HIGH_WATER_MARK = 8 * 1024 * 1024;
const MAX_IOVECS = 512;

export interface SinkOptions {
  path: string;
  /** Bytes beyond this are refused (InvalidRequest) and never written. */
  limit: number;
  withSha256: boolean;
  checksum: ChecksumMeter | undefined;
}

async function writeAll(file: FileHandle, buffers: Buffer[]): Promise<void> {
  for (let start = 0; start < buffers.length; start += MAX_IOVECS) {
    let batch = buffers.slice(start, start + MAX_IOVECS);
    let total = batch.reduce((n, b) => n + b.length, 0);
    while (total > 0) {
      const { bytesWritten } = await file.writev(batch);
      total -= bytesWritten;
      if (total === 0) break;
      // Partial write: drop what was written and retry the rest.
      let skip = bytesWritten;
      const rest: Buffer[] = [];
      for (const b of batch) {
        if (skip >= b.length) skip -= b.length;
        else {
          rest.push(skip > 0 ? b.subarray(skip) : b);
          skip = 0;
        }
      }
      batch = rest;
    }
  }
}

export class DigestingFileSink extends Writable {
  size = 0;
  readonly md5: Hash = createHash('md5');
  readonly sha256: Hash | undefined;
  readonly #options: SinkOptions;
  #file: FileHandle | undefined;

  constructor(options: SinkOptions) {
    super({ highWaterMark: HIGH_WATER_MARK });
    this.#options = options;
    this.sha256 = options.withSha256 ? createHash('sha256') : undefined;
  }

  override _construct(callback: (error?: Error | null) => void): void {
    open(this.#options.path, 'wx').then(
      (file) => {
        this.#file = file;
        callback();
      },
      (error: Error) => callback(error),
    );
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this._writev([{ chunk }], callback);
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    const buffers = chunks.map((c) => c.chunk);
    const batchSize = buffers.reduce((n, b) => n + b.length, 0);
    if (this.size + batchSize > this.#options.limit) {
      callback(s3Errors.invalidRequest('The request body is longer than its declared length'));
      return;
    }
    this.size += batchSize;
    const file = this.#file;
    if (!file) {
      callback(new Error('file not open'));
      return;
    }
    // Start the write first and hash while the thread pool copies the same (unchanging) buffers.
    const written = writeAll(file, buffers);
    for (const buffer of buffers) {
      this.md5.update(buffer);
      this.sha256?.update(buffer);
      this.#options.checksum?.update(buffer);
    }
    written.then(
      () => callback(),
      (error: Error) => callback(error),
    );
  }

  override _final(callback: (error?: Error | null) => void): void {
    const file = this.#file;
    this.#file = undefined;
    if (!file) {
      callback();
      return;
    }
    file.close().then(() => callback(), (error: Error) => callback(error));
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const file = this.#file;
    this.#file = undefined;
    if (!file) {
      callback(error);
      return;
    }
    file.close().then(
      () => callback(error),
      () => callback(error),
    );
  }
}
