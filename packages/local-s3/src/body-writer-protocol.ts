/** Messages between BodyWriterPool (the store's thread) and body-writer-main.ts (a body writer thread). */
import type { ChecksumAlgorithm } from './checksum.js';

export interface BodyDigestRequest {
  sha256: boolean;
  checksum: ChecksumAlgorithm | undefined;
}

export interface BodyDigests {
  md5Hex: string;
  sha256Hex: string | undefined;
  checksumBase64: string | undefined;
}

/**
 * Each message names its body by the temp file's path. `urgent` bodies (small ones) are
 * served before the next batch of a big one; a body's messages are all urgent or all not,
 * so they stay in order.
 */
export type ToBodyWriter = { call: number; path: string; urgent: boolean } & (
  | { op: 'open'; digests: BodyDigestRequest }
  | { op: 'write'; chunks: Uint8Array[] }
  | { op: 'finish' }
  | { op: 'discard' }
);

export type FromBodyWriter =
  | { call: number; ok: true; digests: BodyDigests | undefined }
  | { call: number; ok: false; message: string; code: string | undefined };
