/** What every benchmark case hands to the runner (bench/run.ts). */
export interface Measurement {
  /** Stable id, e.g. "throughput.app"; ratios and the README refer to it. */
  id: string;
  /** What a reader sees in the table, e.g. "App: drop to done, 1 GiB". */
  label: string;
  unit: string;
  /** One value per run, in run order. */
  samples: number[];
  better: 'higher' | 'lower';
  /** Anything a reader needs to trust the figure (conditions, sizes). */
  note?: string;
}

export interface BenchCase {
  /** Short name used by `npm run bench -- --only name`. */
  name: string;
  run(context: BenchContext): Promise<Measurement[]>;
}

export interface BenchContext {
  /** Runs per case (at least 3). */
  runs: number;
  /** Size of the big test file in bytes (default 1 GiB). */
  fileSize: number;
  /** Progress lines go here, not to stdout's result table. */
  log(message: string): void;
}
