/**
 * Case 7, the server:
 * - presign throughput: the app in-process (createApp + S3UploadStore against
 *   the embedded store on port 0), `POST /api/uploads/sign` with 100 part
 *   numbers per call over keep-alive loopback; load generator and server share
 *   this process.
 * - API latency under load: the real server in its own process
 *   (startAppServer), 100 virtual clients each running create, sign, PUT of a
 *   one-part file to the store, complete, several rounds; p50/p99 per call type.
 *   A closed loop: each client starts its next call when the last answers, so
 *   latency here is 100 ÷ the calls the machine completes per second.
 * - API latency while bytes flow (bench/lib/busy-api.ts): 100 uploads PUT
 *   8 MiB parts through the same kind of server (from a child process) for a
 *   window while probe uploads start at a fixed rate from this process (open
 *   loop); p50/p99 of the probes' calls. Twice per run: the movers' process at
 *   the server's priority (it competes for the 2 cores), and at nice 19 (it
 *   takes only the CPU the server leaves, as browsers on other machines would).
 *   `npx tsx bench/busy-threads.ts` shows where that time goes, per thread.
 */
import { createHash } from 'node:crypto';
import { startAppServer } from '../../testing/app-server.js';
import { startTestApp } from '../../testing/app-harness.js';
import { startLocalBackend } from '@s3-big-upload/local-s3/testing';
import { API_ROUTES } from '../../shared/api.js';
import type { CreateUploadResponse, SignPartsResponse } from '../../shared/api.js';
import { MAX_SIGN_BATCH, MiB, TiB } from '../../shared/limits.js';
import { runBusyApi } from '../lib/busy-api.js';
import { CALL_TYPES, noLatencies, postJson, timedUpload } from '../lib/timed-upload.js';
import type { Latencies } from '../lib/timed-upload.js';
import type { BusyApiOptions, BusyApiRun } from '../lib/busy-api.js';
import type { BenchCase, BenchContext, Measurement } from '../lib/types.js';

// The SDK warns on every run that its 2027 releases need Node 22; this project runs on 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const PART_SIZE = 8 * MiB;
const SIGN_PARTS = 10_000;
const SIGN_CALLS = 200;
const SIGN_WARMUP_CALLS = 10;
const SIGN_CONCURRENCY = 4;

const CLIENTS = 100;
const ROUNDS = 5;
const SMALL_FILE_BYTES = 64 * 1024;
/** Any valid Content-MD5: the presign bench signs it into each URL, as the app does (CHECKSUM_MODE=md5). */
const SOME_MD5 = createHash('md5').update('presign bench').digest('base64');

/** The busy store of `npm run bench` (and of bench/busy-threads.ts): the movers' niceness is chosen per run. */
export const BUSY_STORE = {
  movers: 100,
  partSize: PART_SIZE,
  probesPerSecond: 20,
  windowMs: 10_000,
  probeBytes: SMALL_FILE_BYTES,
} as const satisfies Omit<BusyApiOptions, 'baseUrl' | 'moversNice'>;
const BUSY_MOVERS = BUSY_STORE.movers;

export class ServerBenchError extends Error {
  override name = 'ServerBenchError';
}

/** Runs `count` tasks with at most `concurrency` at a time. */
async function runPool(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/** Nearest-rank percentile of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new ServerBenchError('no samples for a percentile');
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

interface PresignRun {
  urlsPerSecond: number;
  /** URLs per second of this process's CPU time (server and load generator together). */
  urlsPerCpuSecond: number;
}

async function measurePresign(baseUrl: string, token: string): Promise<PresignRun> {
  const batches = SIGN_PARTS / MAX_SIGN_BATCH;
  const sign = async (call: number) => {
    const first = (call % batches) * MAX_SIGN_BATCH + 1;
    const toSign = Array.from({ length: MAX_SIGN_BATCH }, (_, i) => ({ partNumber: first + i, md5: SOME_MD5 }));
    const { parts } = await postJson<SignPartsResponse>(baseUrl + API_ROUTES.sign, { parts: toSign }, token);
    if (parts.length !== MAX_SIGN_BATCH) throw new ServerBenchError(`sign answered ${parts.length} URLs, expected ${MAX_SIGN_BATCH}`);
  };
  await runPool(SIGN_WARMUP_CALLS, SIGN_CONCURRENCY, sign);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await runPool(SIGN_CALLS, SIGN_CONCURRENCY, sign);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const urls = SIGN_CALLS * MAX_SIGN_BATCH;
  return { urlsPerSecond: urls / seconds, urlsPerCpuSecond: urls / ((cpu.user + cpu.system) / 1e6) };
}

async function presignRuns(context: BenchContext): Promise<PresignRun[]> {
  const backend = await startLocalBackend(undefined);
  try {
    const app = await startTestApp(backend, { partSize: PART_SIZE, maxFileSize: 5 * TiB });
    try {
      const session = await postJson<CreateUploadResponse>(app.baseUrl + API_ROUTES.uploads, { fileName: 'presign-bench.bin', size: SIGN_PARTS * PART_SIZE });
      const runs: PresignRun[] = [];
      for (let index = 0; index < context.runs; index += 1) {
        const run = await measurePresign(app.baseUrl, session.token);
        runs.push(run);
        context.log(`server presign run ${index + 1}: ${Math.round(run.urlsPerSecond)} URLs/s wall, ${Math.round(run.urlsPerCpuSecond)} URLs per CPU second`);
      }
      return runs;
    } finally {
      await app.close();
    }
  } finally {
    await backend.close();
  }
}

async function loadRound(baseUrl: string, body: Uint8Array<ArrayBuffer>, rounds: number): Promise<Latencies> {
  const latencies = noLatencies();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      for (let round = 0; round < rounds; round += 1) await timedUpload(baseUrl, `client-${client}.bin`, body, latencies);
    }),
  );
  return latencies;
}

async function latencyRuns(context: BenchContext): Promise<Latencies[]> {
  // All clients come from 127.0.0.1 as one anonymous owner: the per-client rate limit and the open-uploads cap
  // would answer 429/409 to the load, not measure it.
  const server = await startAppServer({ RATE_LIMIT: '0', MAX_OPEN_UPLOADS: '0' });
  try {
    const body = new Uint8Array(SMALL_FILE_BYTES).fill(7);
    await loadRound(server.url, body, 1); // warm-up: JIT, connections, the store's bucket
    const runs: Latencies[] = [];
    for (let index = 0; index < context.runs; index += 1) {
      const started = performance.now();
      const latencies = await loadRound(server.url, body, ROUNDS);
      const seconds = (performance.now() - started) / 1000;
      runs.push(latencies);
      context.log(`server latency run ${index + 1}: ${CLIENTS * ROUNDS} uploads in ${seconds.toFixed(1)} s (${((CLIENTS * ROUNDS) / seconds).toFixed(0)} uploads/s)`);
      const line = CALL_TYPES.map((type) => `${type} p50 ${percentile(latencies[type], 50).toFixed(1)} / p99 ${percentile(latencies[type], 99).toFixed(1)} ms`);
      context.log(`server latency run ${index + 1}: ${line.join(', ')}`);
    }
    return runs;
  } finally {
    await server.stop();
  }
}

/** The load generator's niceness when it stands in for browsers on other machines: it takes only the CPU the server leaves. */
const MOVERS_ELSEWHERE_NICE = 19;

interface BusyRuns {
  /** The movers' process at the server's priority: it competes for the 2 cores (the harder case). */
  sameCores: BusyApiRun[];
  /** The movers' process at nice 19, as if the browsers were elsewhere. */
  elsewhere: BusyApiRun[];
}

/** Interleaved (same cores, elsewhere, same cores, ...) on one server, so both see the same machine state. */
async function busyRuns(context: BenchContext): Promise<BusyRuns> {
  const server = await startAppServer({ RATE_LIMIT: '0', MAX_OPEN_UPLOADS: '0' });
  try {
    const runs: BusyRuns = { sameCores: [], elsewhere: [] };
    for (let index = 0; index < context.runs; index += 1) {
      for (const variant of ['sameCores', 'elsewhere'] as const) {
        const moversNice = variant === 'elsewhere' ? MOVERS_ELSEWHERE_NICE : 0;
        const run = await runBusyApi({ ...BUSY_STORE, baseUrl: server.url, moversNice });
        runs[variant].push(run);
        const line = CALL_TYPES.map((type) => `${type} p50 ${percentile(run.latencies[type], 50).toFixed(1)} / p99 ${percentile(run.latencies[type], 99).toFixed(1)} ms`);
        const failed = run.moverErrors.length + run.probeErrors.length;
        const name = `server busy run ${index + 1}, movers at nice ${moversNice}`;
        if (failed > 0) context.log(`${name}: ${run.moverErrors.length} mover PUTs and ${run.probeErrors.length} probes failed, e.g. ${[...run.moverErrors, ...run.probeErrors][0]}`);
        context.log(
          `${name}: ${run.probes} probe uploads while ${BUSY_MOVERS} uploads stored ${run.moverMegabytesPerSecond.toFixed(0)} MB/s ` +
            `(the movers' process used ${run.moverCpuSeconds.toFixed(1)} CPU s); ${line.join(', ')}`,
        );
      }
    }
    return runs;
  } finally {
    await server.stop();
  }
}

/** The busy store's three figures for one variant; `idSuffix` and `labelSuffix` tell the variants apart. */
function busyMeasurements(busy: BusyApiRun[], idSuffix: string, labelSuffix: string, generator: string): Measurement[] {
  const note =
    `real server in its own process (as above); ${BUSY_MOVERS} multipart uploads PUT ${PART_SIZE / MiB} MiB parts back to back for ${BUSY_STORE.windowMs / 1000} s ` +
    `(stored ${busy.map((r) => r.moverMegabytesPerSecond.toFixed(0)).join(', ')} MB/s: part PUTs answered in the window), while a probe upload (create, sign, ${SMALL_FILE_BYTES / 1024} KiB PUT, complete) ` +
    `starts every ${1000 / BUSY_STORE.probesPerSecond} ms whether or not the last has answered (open loop); the movers are fetch from a process of their own, ${generator}, and the window starts once they have ` +
    `stored one part per mover (steady state); the probes are fetch from the bench's process, which does nothing else, so their clock is not lagged by the movers' streams; 2 shared cores; ` +
    `failed mover PUTs per run ${busy.map((r) => r.moverErrors.length).join(', ')}, failed probes per run ${busy.map((r) => r.probeErrors.length).join(', ')} (not in the latencies); ` +
    `the two variants interleaved on one server`;
  const all = (run: BusyApiRun) => CALL_TYPES.flatMap((type) => run.latencies[type]);
  const figures = [
    { id: 'busy-api-p50', label: 'API p50', calls: ' (create, sign, complete)', of: all, p: 50 },
    { id: 'busy-api-p99', label: 'API p99', calls: ' (create, sign, complete)', of: all, p: 99 },
    { id: 'busy-complete-p50', label: 'complete p50', calls: '', of: (run: BusyApiRun) => run.latencies.complete, p: 50 },
  ];
  return figures.map(({ id, label, calls, of, p }) => ({
    id: `server.${id}${idSuffix}`,
    label: `Server: ${label} while ${BUSY_MOVERS} uploads move bytes${labelSuffix}${calls}`,
    unit: 'ms',
    samples: busy.map((run) => round1(percentile(of(run), p))),
    better: 'lower',
    note,
  }));
}

const round1 = (value: number) => Math.round(value * 10) / 10;

async function run(context: BenchContext): Promise<Measurement[]> {
  const presign = await presignRuns(context);
  const latency = await latencyRuns(context);
  const busy = await busyRuns(context);
  const presignNote =
    `createApp + S3UploadStore in-process against the embedded store; ${SIGN_CALLS} sign calls × ${MAX_SIGN_BATCH} parts after ${SIGN_WARMUP_CALLS} warm-up calls, ` +
    `${SIGN_CONCURRENCY} in flight over keep-alive loopback; the load generator shares the process and the machine's 2 cores ` +
    `(URLs per CPU second of the process: ${presign.map((r) => Math.round(r.urlsPerCpuSecond)).join(', ')})`;
  const latencyNote =
    `real server in its own process (startAppServer, embedded store in that process, RATE_LIMIT=0, MAX_OPEN_UPLOADS=0); ${CLIENTS} concurrent clients × ${ROUNDS} uploads each ` +
    `of a ${SMALL_FILE_BYTES / 1024} KiB one-part file (create, sign, PUT to the store, complete), keep-alive fetch from this process after a warm-up round; 2 shared cores`;
  const all = (l: Latencies) => CALL_TYPES.flatMap((type) => l[type]);
  const measurements: Measurement[] = [
    {
      id: 'server.presign-per-second',
      label: 'Server: part URLs presigned per second',
      unit: 'URLs/s',
      samples: presign.map((r) => Math.round(r.urlsPerSecond)),
      better: 'higher',
      note: presignNote,
    },
    {
      id: 'server.api-p50',
      label: `Server: API p50, ${CLIENTS} concurrent uploads (create, sign, complete)`,
      unit: 'ms',
      samples: latency.map((l) => round1(percentile(all(l), 50))),
      better: 'lower',
      note: latencyNote,
    },
    {
      id: 'server.api-p99',
      label: `Server: API p99, ${CLIENTS} concurrent uploads (create, sign, complete)`,
      unit: 'ms',
      samples: latency.map((l) => round1(percentile(all(l), 99))),
      better: 'lower',
      note: latencyNote,
    },
  ];
  measurements.push(
    ...busyMeasurements(busy.sameCores, '', '', 'at the server\'s priority, so they compete with it for the cores'),
    ...busyMeasurements(
      busy.elsewhere,
      '.movers-elsewhere',
      `, load generator at nice ${MOVERS_ELSEWHERE_NICE}`,
      `at nice ${MOVERS_ELSEWHERE_NICE}, so they take only the CPU the server leaves, as browsers on other machines would`,
    ),
  );
  for (const type of CALL_TYPES) {
    for (const p of [50, 99] as const) {
      measurements.push({
        id: `server.api-p${p}.${type}`,
        label: `Server: ${type} p${p}, ${CLIENTS} concurrent uploads`,
        unit: 'ms',
        samples: latency.map((l) => round1(percentile(l[type], p))),
        better: 'lower',
        note: latencyNote,
      });
    }
  }
  return measurements;
}

export const server: BenchCase = { name: 'server', run };
