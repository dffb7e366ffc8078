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

export type ChecksumAlgorithm = 'crc32' | 'sha1' | 'sha256';

/** The checksum a request carries (or announces a trailer for) that we can verify. */
export function checksumAlgorithmOf(req: IncomingMessage): ChecksumAlgorithm | undefined {
  const trailer = req.headers['x-amz-trailer'];
  const names = [...(typeof trailer === 'string' ? [trailer.trim().toLowerCase()] : []), ...Object.keys(req.headers)];
  for (const name of names) {
    const m = /^x-amz-checksum-(crc32|sha1|sha256)$/.exec(name);
    if (m) return m[1] as ChecksumAlgorithm;
  }
  return undefined;
}

export class ChecksumMeter {
  #crc = 0;
  readonly #hash: Hash | undefined;

  constructor(algorithm: ChecksumAlgorithm) {
    this.#hash = algorithm === 'crc32' ? undefined : createHash(algorithm);
  }

  update(chunk: Uint8Array): void {
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

/** Compares the body's computed checksum with the one its header or aws-chunked trailer gave, if any. */
export function verifyTrailingChecksum(
  algorithm: ChecksumAlgorithm,
  computedBase64: string,
  trailers: ReadonlyMap<string, string> | undefined,
  req: IncomingMessage,
): void {
  const headerName = `x-amz-checksum-${algorithm}`;
  const fromHeader = req.headers[headerName];
  const provided = trailers?.get(headerName) ?? (typeof fromHeader === 'string' ? fromHeader : undefined);
  if (provided === undefined) return;
  if (provided.trim() !== computedBase64) {
    throw new S3Error(400, 'BadDigest', `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`);
  }
}
