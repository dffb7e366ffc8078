/**
 * What the UI bench page simulates, read from its URL:
 * `?parts=10000&mbps=60&concurrency=6&partMiB=8&signMs=5&progressMs=50`,
 * or many small files at once: `?files=1000&fileKiB=256`.
 * Defaults describe a fast home uplink: 60 MB/s shared by 6 parts in flight.
 */
export interface BenchSettings {
  /** Simulated files handed to the page at once, as a drop does. */
  files: number;
  /** Size of each file: `fileKiB` when given, else `parts` × `partSize`. */
  fileSize: number;
  /** Parts of the simulated file. */
  parts: number;
  partSize: number;
  /** Whole-upload throughput in bytes per second, shared by the parts in flight. */
  bytesPerSecond: number;
  concurrency: number;
  /** How long each fake sign call takes. */
  signLatencyMs: number;
  /** Interval of XHR-like upload progress events per part. */
  progressIntervalMs: number;
}

const MiB = 1024 * 1024;
const MB = 1000 * 1000;

export function readBenchSettings(search: string): BenchSettings {
  const params = new URLSearchParams(search);
  const number = (name: string, fallback: number, min: number, max: number): number => {
    const raw = params.get(name);
    const value = raw === null || raw === '' ? fallback : Number(raw);
    return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
  };
  const parts = Math.round(number('parts', 10_000, 1, 10_000));
  const partSize = Math.round(number('partMiB', 8, 5, 5 * 1024) * MiB);
  const fileKiB = number('fileKiB', 0, 0, 5 * 1024 * 1024 * 1024);
  return {
    files: Math.round(number('files', 1, 1, 10_000)),
    fileSize: fileKiB > 0 ? Math.round(fileKiB * 1024) : parts * partSize,
    parts,
    partSize,
    bytesPerSecond: number('mbps', 60, 0.1, 100_000) * MB,
    concurrency: Math.round(number('concurrency', 6, 1, 64)),
    signLatencyMs: number('signMs', 5, 0, 10_000),
    progressIntervalMs: number('progressMs', 50, 1, 10_000),
  };
}
