import { createHash } from 'node:crypto';
import type { PartHasher } from '../types.js';
import { trackBackgroundWork } from './flush.js';

/** The PartHasher seam over node:crypto, for engine tests: real MD5s, with the sizes asked for and the most in flight at once. */
export class NodeMd5Hasher implements PartHasher {
  /** Blob sizes in the order they were asked for. */
  readonly requests: number[] = [];
  /** The blobs hashed, in the order they were asked for. */
  readonly blobs: Blob[] = [];
  inFlight = 0;
  maxInFlight = 0;

  md5(blob: Blob, signal?: AbortSignal): Promise<Uint8Array> {
    this.requests.push(blob.size);
    this.blobs.push(blob);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return trackBackgroundWork(
      (async () => {
        try {
          signal?.throwIfAborted();
          const digest = createHash('md5').update(new Uint8Array(await blob.arrayBuffer())).digest();
          signal?.throwIfAborted();
          return new Uint8Array(digest);
        } finally {
          this.inFlight -= 1;
        }
      })(),
    );
  }
}

export function md5Hex(data: Uint8Array | string): string {
  return createHash('md5').update(data).digest('hex');
}
