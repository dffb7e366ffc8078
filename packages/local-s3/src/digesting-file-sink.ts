/**
 * The last stage of an ingest: hands each batch of chunks to a body writer
 * thread (body-writer-pool.ts), which appends it to the temp file and hashes
 * it (MD5, plus whatever the request needs verified), so neither the bytes'
 * hashing nor their writes run on the store's own thread.
 */
import { Writable } from 'node:stream';
import type { BodyDigestRequest, BodyDigests, BodyWrite, BodyWriterPool } from './body-writer-pool.js';
import { s3Errors } from './s3-error.js';

/** Bytes buffered before the stream holds the client back; also the largest batch a writer thread gets in one go. */
const HIGH_WATER_MARK = 1024 * 1024;

export interface SinkOptions {
  path: string;
  /** Bytes beyond this are refused (InvalidRequest) and never written. */
  limit: number;
  digests: BodyDigestRequest;
  writers: BodyWriterPool;
}

export class DigestingFileSink extends Writable {
  size = 0;
  /** Set once the stream finished: the file is closed and complete. */
  digests: BodyDigests | undefined;
  readonly #options: SinkOptions;
  #write: BodyWrite | undefined;

  constructor(options: SinkOptions) {
    super({ highWaterMark: HIGH_WATER_MARK });
    this.#options = options;
  }

  /** Destroys the stream and resolves once its file is closed (the caller may then remove it). */
  async discard(): Promise<void> {
    if (this.closed) return;
    const closed = new Promise<void>((resolve) => this.once('close', () => resolve()));
    this.destroy();
    await closed;
  }

  override _construct(callback: (error?: Error | null) => void): void {
    this.#options.writers.open(this.#options.path, this.#options.limit, this.#options.digests).then(
      (write) => {
        this.#write = write;
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
    const write = this.#write;
    if (!write) {
      callback(new Error('file not open'));
      return;
    }
    // The chunks are the last stage's: nothing reads them after this, so they may move to the writer thread.
    write.write(buffers).then(
      () => callback(),
      (error: Error) => callback(error),
    );
  }

  override _final(callback: (error?: Error | null) => void): void {
    const write = this.#write;
    if (!write) {
      callback(new Error('file not open'));
      return;
    }
    write.finish().then(
      (digests) => {
        this.digests = digests;
        callback();
      },
      (error: Error) => callback(error),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const write = this.#write;
    if (!write || this.digests !== undefined) {
      callback(error);
      return;
    }
    void write.discard().then(() => callback(error));
  }
}
