/** Byte sizes as people write them on the command line ("1GiB", "256MiB", "200MB"). */
const UNITS: Record<string, number> = { '': 1, b: 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, kb: 1e3, mb: 1e6, gb: 1e9 };

export class SizeFormatError extends Error {
  override name = 'SizeFormatError';
  constructor(text: string) {
    super(`not a size: "${text}" (try 64MiB, 1GiB, 200MB)`);
  }
}

export function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const factor = match ? UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || factor === undefined) throw new SizeFormatError(text);
  return Math.round(Number(match[1]) * factor);
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
