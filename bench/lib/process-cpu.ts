/**
 * CPU seconds per process kind (Linux /proc), diffed across a run, to show which
 * process - renderer, Chromium's browser or network process, or the server with
 * its embedded store - is busy while bytes move. Off Linux it reports nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ

/** Utime + stime of a /proc stat line (a process's or a thread's), in seconds; the name in parentheses may hold spaces and ') '. */
export function statCpuSeconds(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/**
 * Each live thread of a process (/proc/<pid>/task): its name and what `read` makes of its task folder.
 * A thread that ends during the walk is left out; a process that is gone, or no /proc, gives an empty map.
 */
export function readThreads<T>(pid: number, read: (taskDir: string) => T): Map<number, { name: string } & T> {
  const threads = new Map<number, { name: string } & T>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return threads;
  }
  for (const tid of tids) {
    const taskDir = `/proc/${pid}/task/${tid}`;
    try {
      threads.set(Number(tid), { name: readFileSync(`${taskDir}/comm`, 'utf8').trim(), ...read(taskDir) });
    } catch {
      // the thread ended since readdir
    }
  }
  return threads;
}

interface ProcessSample {
  kind: string;
  cpuSeconds: number;
}

function kindOf(cmdline: string[]): string | undefined {
  const [exe = '', ...args] = cmdline;
  if (exe.includes('chromium') || exe.includes('chrome')) {
    const type = args.find((arg) => arg.startsWith('--type='))?.slice('--type='.length);
    const service = args.find((arg) => arg.startsWith('--utility-sub-type='))?.slice('--utility-sub-type='.length);
    return `chromium ${type === undefined ? 'browser' : service !== undefined ? `${type} ${service}` : type}`;
  }
  if (args.some((arg) => arg.endsWith('server/main.ts'))) return 'app server, with the embedded store unless S3_ENDPOINT is set (node)';
  return undefined;
}

export function snapshotCpu(): Map<number, ProcessSample> {
  const out = new Map<number, ProcessSample>();
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return out;
  }
  for (const pid of pids) {
    try {
      let cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      // Chromium's zygote children rewrite their title into one space-separated string.
      if (cmdline.length === 1) cmdline = cmdline[0]!.split(' ');
      const kind = kindOf(cmdline);
      if (kind === undefined) continue;
      out.set(Number(pid), { kind, cpuSeconds: statCpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8')) });
    } catch {
      // gone since readdir
    }
  }
  return out;
}

/** CPU seconds spent between two snapshots, summed per process kind, busiest first. */
export function cpuBetween(before: Map<number, ProcessSample>, after: Map<number, ProcessSample>): [string, number][] {
  const byKind = new Map<string, number>();
  for (const [pid, sample] of after) {
    const spent = sample.cpuSeconds - (before.get(pid)?.cpuSeconds ?? 0);
    byKind.set(sample.kind, (byKind.get(sample.kind) ?? 0) + spent);
  }
  return [...byKind].filter(([, seconds]) => seconds > 0).sort((a, b) => b[1] - a[1]);
}
