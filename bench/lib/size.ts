import { parseSize as parseHumanSize } from '../../server/human-units.js';

export class SizeFormatError extends Error {
  override name = 'SizeFormatError';
  constructor(text: string) {
    super(`not a size: "${text}" (try 64MiB, 1GiB, 200MB)`);
  }
}

/** Byte sizes as people write them on the command line ("1GiB", "256MiB", "200MB"), as the server's config reads them. */
export function parseSize(text: string): number {
  const bytes = parseHumanSize(text);
  if (bytes === undefined) throw new SizeFormatError(text);
  return bytes;
}

/** "1 GiB", "256 MiB", or bytes when it is not a whole number of MiB. */
export function formatSize(bytes: number): string {
  if (bytes % 1024 ** 3 === 0) return `${bytes / 1024 ** 3} GiB`;
  if (bytes % 1024 ** 2 === 0) return `${bytes / 1024 ** 2} MiB`;
  return `${bytes} bytes`;
}

/** Throughput in MB/s (10^6 bytes per second), the unit every figure uses. */
export function megabytesPerSecond(bytes: number, milliseconds: number): number {
  return bytes / 1e6 / (milliseconds / 1000);
}
