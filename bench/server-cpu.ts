/**
 * CPU time of the real server per API call, by kind: create, sign (1 part and
 * 100 parts), complete, batch create and batch complete (100 files a call).
 *
 * The server runs in its own process (startAppServer: `server/main.ts` with
 * the embedded store on its own thread); this process is the load. Each kind's
 * calls run alone, 8 in flight, and the server's CPU over them is read from
 * /proc: its main thread (the API: Express, validation, tokens, the SDK) and
 * the whole process (with the store's thread and V8's helpers). The PUTs that
 * completes need are made between the windows, outside them. Round 1 warms up
 * (JIT, connections) and is not reported; the median of the rest is.
 *
 *   npx tsx bench/server-cpu.ts [--rounds 4] [--log-level info] [--cpu-prof]
 *
 * `--log-level` is the server's LOG_LEVEL (default info, the server's default;
 * the test rig's servers run at warn). `--cpu-prof` also writes the main
 * thread's V8 profile (node --cpu-prof) of the whole run and prints its top
 * self-time functions. Linux only (/proc).
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { readFileSync, readdirSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { API_ROUTES } from '../shared/api.js';
import type { CompleteBatchResponse, CompleteUploadResponse, CreateBatchResponse, CreateUploadResponse, SignPartsResponse, SignedPart } from '../shared/api.js';
import { MAX_BATCH_FILES, MAX_SIGN_BATCH, MiB } from '../shared/limits.js';
import { startAppServer } from '../testing/app-server.js';
import { BenchApiError, md5Of, postJson, putPart } from './lib/timed-upload.js';
import { statCpuSeconds } from './lib/process-cpu.js';
import { formatSelfTime, topSelfTime } from './lib/ui-bench-profile.js';
import type { CpuProfile } from './lib/ui-bench-profile.js';

const IN_FLIGHT = 8;
const SINGLE_CALLS = 300;
const SIGN_100_CALLS = 60;
const BATCH_CALLS = 10;
const FILE_BYTES = 64 * 1024;
const BIG_PART = 8 * MiB;

const { values: options } = parseArgs({
  options: {
    rounds: { type: 'string', default: '4' },
    'log-level': { type: 'string', default: 'info' },
    'cpu-prof': { type: 'boolean', default: false },
  },
});
const rounds = Number(options.rounds);
if (!Number.isInteger(rounds) || rounds < 2) {
  console.error(`server-cpu: --rounds takes a whole number ≥ 2 (the first warms up), not ${JSON.stringify(options.rounds)}`);
  process.exit(2);
}

interface CpuSample {
  mainThread: number;
  process: number;
}

function cpuSecondsOf(statPath: string): number {
  return statCpuSeconds(readFileSync(statPath, 'utf8'));
}

function sampleCpu(pid: number): CpuSample {
  return { mainThread: cpuSecondsOf(`/proc/${pid}/task/${pid}/stat`), process: cpuSecondsOf(`/proc/${pid}/stat`) };
}

/** CPU seconds per thread name of the process (threads of one name summed), for the report's footnote. */
function cpuByThread(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim() + (tid === String(pid) ? ' (main)' : '');
      out.set(name, (out.get(name) ?? 0) + cpuSecondsOf(`/proc/${pid}/task/${tid}/stat`));
    } catch {
      // the thread ended since readdir
    }
  }
  return out;
}

async function inPool<T>(items: readonly T[], task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, items.length) }, worker));
}

const body = new Uint8Array(FILE_BYTES).fill(7);
const md5 = md5Of(body).toString('base64');
const expectedEtag = `${md5Of(md5Of(body)).toString('hex')}-1`;

interface Upload {
  session: CreateUploadResponse;
  part?: SignedPart;
  etag?: string;
}

type Kind = 'create' | 'sign (1 part)' | 'sign (100 parts)' | 'complete' | 'batch create (100 files)' | 'batch complete (100 files)';
const KINDS: Kind[] = ['create', 'sign (1 part)', 'sign (100 parts)', 'complete', 'batch create (100 files)', 'batch complete (100 files)'];

/** One round: every kind's calls in its own CPU window; CPU ms per call by kind. */
async function round(baseUrl: string, pid: number, index: number): Promise<Map<Kind, { mainMs: number; processMs: number }>> {
  const perCall = new Map<Kind, { mainMs: number; processMs: number }>();
  const measure = async (kind: Kind, calls: number, run: () => Promise<void>) => {
    const before = sampleCpu(pid);
    await run();
    const after = sampleCpu(pid);
    perCall.set(kind, { mainMs: ((after.mainThread - before.mainThread) * 1000) / calls, processMs: ((after.process - before.process) * 1000) / calls });
  };
  const singles: Upload[] = [];
  await measure('create', SINGLE_CALLS, () =>
    inPool(
      Array.from({ length: SINGLE_CALLS }, (_, i) => i),
      async (i) => {
        const session = await postJson<CreateUploadResponse>(baseUrl + API_ROUTES.uploads, { fileName: `r${index}-${i}.bin`, size: FILE_BYTES, contentType: 'application/octet-stream' });
        singles.push({ session });
      },
    ),
  );
  await measure('sign (1 part)', SINGLE_CALLS, () =>
    inPool(singles, async (upload) => {
      const { parts } = await postJson<SignPartsResponse>(baseUrl + API_ROUTES.sign, { parts: [{ partNumber: 1, md5 }] }, upload.session.token);
      upload.part = parts[0];
    }),
  );
  await inPool(singles, async (upload) => {
    if (upload.part === undefined) throw new BenchApiError('sign answered no URL');
    upload.etag = await putPart(upload.part, body);
  });
  await measure('complete', SINGLE_CALLS, () =>
    inPool(singles, async (upload) => {
      const done = await postJson<CompleteUploadResponse>(baseUrl + API_ROUTES.complete, { parts: [{ partNumber: 1, etag: upload.etag }], expectedEtag }, upload.session.token);
      if (done.size !== FILE_BYTES) throw new BenchApiError(`complete answered ${done.size} bytes`);
    }),
  );

  const big = await postJson<CreateUploadResponse>(baseUrl + API_ROUTES.uploads, { fileName: `r${index}-big.bin`, size: MAX_SIGN_BATCH * BIG_PART });
  const hundredParts = Array.from({ length: MAX_SIGN_BATCH }, (_, i) => ({ partNumber: i + 1, md5 }));
  await measure('sign (100 parts)', SIGN_100_CALLS, () =>
    inPool(
      Array.from({ length: SIGN_100_CALLS }, (_, i) => i),
      async () => {
        const { parts } = await postJson<SignPartsResponse>(baseUrl + API_ROUTES.sign, { parts: hundredParts }, big.token);
        if (parts.length !== MAX_SIGN_BATCH) throw new BenchApiError(`sign answered ${parts.length} URLs`);
      },
    ),
  );

  const batchUploads: { token: string; part: SignedPart; etag?: string }[] = [];
  await measure('batch create (100 files)', BATCH_CALLS, () =>
    inPool(
      Array.from({ length: BATCH_CALLS }, (_, i) => i),
      async (call) => {
        const files = Array.from({ length: MAX_BATCH_FILES }, (_, i) => ({ fileName: `r${index}-b${call}-${i}.bin`, size: FILE_BYTES, contentType: 'application/octet-stream', md5 }));
        const { results } = await postJson<CreateBatchResponse>(baseUrl + API_ROUTES.batch, { files });
        for (const result of results) {
          if (!('upload' in result)) throw new BenchApiError(`batch create refused a file: ${result.error.message}`);
          batchUploads.push({ token: result.upload.token, part: result.upload.part });
        }
      },
    ),
  );
  await inPool(batchUploads, async (upload) => {
    upload.etag = await putPart(upload.part, body);
  });
  await measure('batch complete (100 files)', BATCH_CALLS, () =>
    inPool(
      Array.from({ length: BATCH_CALLS }, (_, i) => i),
      async (call) => {
        const uploads = batchUploads.slice(call * MAX_BATCH_FILES, (call + 1) * MAX_BATCH_FILES).map(({ token, etag }) => ({ token, etag }));
        const { results } = await postJson<CompleteBatchResponse>(baseUrl + API_ROUTES.completeBatch, { uploads });
        for (const result of results) if (!('completed' in result)) throw new BenchApiError(`batch complete refused an upload: ${result.error.message}`);
      },
    ),
  );
  return perCall;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const profileDir = options['cpu-prof'] ? await mkdtemp(join(tmpdir(), 'server-cpu-prof-')) : undefined;
const server = await startAppServer(
  { RATE_LIMIT: '0', MAX_OPEN_UPLOADS: '0', LOG_LEVEL: options['log-level'] },
  profileDir === undefined ? {} : { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] },
);
const results: Map<Kind, { mainMs: number; processMs: number }>[] = [];
const load = loadavg();
let threads: [string, number][] = [];
try {
  const threadsBefore = cpuByThread(server.pid);
  for (let index = 0; index < rounds; index++) {
    const perCall = await round(server.url, server.pid, index);
    if (index > 0) results.push(perCall);
    console.error(`round ${index + 1}${index === 0 ? ' (warm-up)' : ''}: ${[...perCall].map(([kind, cpu]) => `${kind} ${cpu.mainMs.toFixed(2)} ms`).join(', ')}`);
  }
  threads = [...cpuByThread(server.pid)].map(([name, seconds]): [string, number] => [name, seconds - (threadsBefore.get(name) ?? 0)]).filter(([, seconds]) => seconds > 0);
} finally {
  await server.stop();
}

console.log(`\nServer CPU per API call (LOG_LEVEL=${options['log-level']}${profileDir ? ', under --cpu-prof' : ''}), median of ${rounds - 1} rounds; load average at start ${load.map((l) => l.toFixed(2)).join(' ')}\n`);
console.log('| call | main thread ms/call | whole process ms/call | main thread µs per file or URL |');
console.log('| --- | ---: | ---: | ---: |');
for (const kind of KINDS) {
  const main = median(results.map((r) => r.get(kind)?.mainMs ?? NaN));
  const whole = median(results.map((r) => r.get(kind)?.processMs ?? NaN));
  const perItem = kind.includes('100') ? `${((main / 100) * 1000).toFixed(0)}` : '';
  console.log(`| ${kind} | ${main.toFixed(2)} | ${whole.toFixed(2)} | ${perItem} |`);
}
console.log(`\nThreads' CPU over all rounds (s): ${threads.sort((a, b) => b[1] - a[1]).map(([name, s]) => `${name} ${s.toFixed(2)}`).join(', ')}`);

if (profileDir !== undefined) {
  // Node names profiles CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile; thread 0 is the main thread.
  const files = (await readdir(profileDir)).filter((name) => name.endsWith('.cpuprofile'));
  const main = files.find((name) => name.split('.')[4] === '0');
  if (main === undefined) throw new Error(`no main-thread profile in ${profileDir}: ${files.join(', ')}`);
  const profile = JSON.parse(await readFile(join(profileDir, main), 'utf8')) as CpuProfile;
  console.log(`\nMain thread, top self time over the whole run (${join(profileDir, main)}):\n${formatSelfTime(topSelfTime(profile, 40))}`);
  if (process.env.KEEP_PROFILE === undefined) await rm(profileDir, { recursive: true, force: true });
}
