/**
 * Flexible checksums (x-amz-checksum-*) sent by AWS SDK v3 by default, either as a
 * header or as an aws-chunked trailer named by x-amz-trailer. Verified when the
 * algorithm is one Node computes natively; CRC32C/CRC64NVME are accepted unverified.
 */
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { crc32 } from 'node:zlib';
import { S3Error } from './s3-error.js';

type Algorithm = 'crc32' | 'sha1' | 'sha256';

export class ChecksumMeter {
  readonly algorithm: Algorithm;
  readonly headerName: string;
  #crc = 0;
  readonly #hash: Hash | undefined;

  private constructor(algorithm: Algorithm) {
    this.algorithm = algorithm;
    this.headerName = `x-amz-checksum-${algorithm}`;
    this.#hash = algorithm === 'crc32' ? undefined : createHash(algorithm);
  }

  /** A meter when the request carries (or announces a trailer for) a checksum we can verify. */
  static forRequest(req: IncomingMessage): ChecksumMeter | undefined {
    const trailer = req.headers['x-amz-trailer'];
    const names = [...(typeof trailer === 'string' ? [trailer.trim().toLowerCase()] : []), ...Object.keys(req.headers)];
    for (const name of names) {
      const m = /^x-amz-checksum-(crc32|sha1|sha256)$/.exec(name);
      if (m) return new ChecksumMeter(m[1] as Algorithm);
    }
    return undefined;
  }

  update(chunk: Buffer): void {
    if (this.#hash) this.#hash.update(chunk);
    else this.#crc = crc32(chunk, this.#crc);
  }

  digestBase64(): string {
    if (this.#hash) return this.#hash.digest('base64');
    const out = Buffer.alloc(4);
    out.writeUInt32BE(this.#crc >>> 0);
    return out.toString('base64');
  }
}

export function verifyTrailingChecksum(
  meter: ChecksumMeter,
  trailers: ReadonlyMap<string, string> | undefined,
  req: IncomingMessage,
): void {
  const fromHeader = req.headers[meter.headerName];
  const provided = trailers?.get(meter.headerName) ?? (typeof fromHeader === 'string' ? fromHeader : undefined);
  if (provided === undefined) return;
  if (provided.trim() !== meter.digestBase64()) {
    throw new S3Error(400, 'BadDigest', `The ${meter.algorithm.toUpperCase()} you specified did not match the calculated checksum.`);
  }
}
