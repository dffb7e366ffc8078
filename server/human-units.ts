/** Parses the human sizes and durations accepted in the environment ("8MiB", "5 TiB", "24h", "900"). */

const SIZE_UNITS: Record<string, number> = {
  '': 1, b: 1,
  k: 1000, kb: 1000, m: 1000 ** 2, mb: 1000 ** 2, g: 1000 ** 3, gb: 1000 ** 3, t: 1000 ** 4, tb: 1000 ** 4,
  kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4,
};

const DURATION_UNITS_MS: Record<string, number> = {
  // A bare number is seconds.
  '': 1000, ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000,
};

const QUANTITY = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i;

/** Bytes as a safe integer, or undefined when the text is not a size. */
export function parseSize(text: string): number | undefined {
  const match = QUANTITY.exec(text);
  const unit = SIZE_UNITS[match?.[2]?.toLowerCase() ?? ''];
  if (!match || unit === undefined) return undefined;
  const bytes = Math.round(Number(match[1]) * unit);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** Milliseconds, or undefined when the text is not a duration. */
export function parseDurationMs(text: string): number | undefined {
  const match = QUANTITY.exec(text);
  const unit = DURATION_UNITS_MS[match?.[2]?.toLowerCase() ?? ''];
  if (!match || unit === undefined) return undefined;
  const ms = Math.round(Number(match[1]) * unit);
  return Number.isSafeInteger(ms) ? ms : undefined;
}
