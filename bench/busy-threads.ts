/**
 * Where the API's latency goes while 100 uploads move bytes: the bench's busy
 * store (busy-api.ts) against a zero-config server, with each call's p50, p90,
 * p99 and max, and every server thread's CPU and run-queue wait (time ready to
 * run but waiting for a core) over each run.
 *
 *   npx tsx bench/busy-threads.ts [--runs 2] [--movers-nice 0]
 *
 * --movers-nice 19 runs the load generator below the server's priority, as
 * browsers on other machines would be: it then takes only the CPU the server
 * leaves. `npm run bench` keeps it at 0 (the harder case), so compare like with like.
 */
import { parseArgs } from 'node:util';
import { startAppServer } from '../testing/app-server.js';
import { runBusyApi } from './lib/busy-api.js';
import { schedBetween, snapshotSched } from './lib/thread-sched.js';
import { CALL_TYPES } from './lib/timed-upload.js';
import { BUSY_STORE, percentile } from './cases/server.js';

function integerOption(value: string, name: string, min: number, max: number): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    console.error(`busy-threads: --${name} takes a whole number from ${min} to ${max}, not ${JSON.stringify(value)}`);
    process.exit(2);
  }
  return parsed;
}

const { values } = parseArgs({ options: { runs: { type: 'string', default: '2' }, 'movers-nice': { type: 'string', default: '0' } } });
const runs = integerOption(values.runs, 'runs', 1, 20);
const moversNice = integerOption(values['movers-nice'], 'movers-nice', 0, 19);
const ms = (value: number) => value.toFixed(0);

const server = await startAppServer({ RATE_LIMIT: '0', MAX_OPEN_UPLOADS: '0' });
try {
  for (let index = 0; index < runs; index += 1) {
    const before = snapshotSched(server.pid);
    const started = performance.now();
    const run = await runBusyApi({ ...BUSY_STORE, baseUrl: server.url, moversNice });
    const seconds = (performance.now() - started) / 1000;
    const threads = schedBetween(server.pid, before, snapshotSched(server.pid)).filter((thread) => thread.cpuSeconds >= 0.05);
    const all = CALL_TYPES.flatMap((type) => run.latencies[type]);
    console.log(
      `run ${index + 1} (movers at nice ${moversNice}): ${run.probes} probes while the movers stored ${run.moverMegabytesPerSecond.toFixed(0)} MB/s ` +
        `(their process used ${run.moverCpuSeconds.toFixed(1)} CPU s); all calls p50 ${ms(percentile(all, 50))} p99 ${ms(percentile(all, 99))} ms; ` +
        `failed: ${run.moverErrors.length} mover PUTs, ${run.probeErrors.length} probes`,
    );
    for (const type of CALL_TYPES) {
      const samples = run.latencies[type];
      console.log(`  ${type.padEnd(8)} p50 ${ms(percentile(samples, 50))}  p90 ${ms(percentile(samples, 90))}  p99 ${ms(percentile(samples, 99))}  max ${ms(Math.max(...samples))} ms`);
    }
    console.log(`  server threads over ${seconds.toFixed(1)} s (CPU s / run-queue wait s):`);
    for (const thread of threads) {
      console.log(`    ${(thread.main ? 'main' : `${thread.name} ${thread.tid}`).padEnd(12)} ${thread.cpuSeconds.toFixed(2).padStart(6)} / ${thread.waitSeconds.toFixed(2).padStart(6)}`);
    }
  }
} finally {
  await server.stop();
}
