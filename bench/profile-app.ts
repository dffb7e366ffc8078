/**
 * Where an app upload spends its time, next to the ceiling's:
 *
 *   npx tsx bench/profile-app.ts [--size 1GiB] [--rounds 3] [--slow] [--rgw] [--no-build]
 *
 * --slow applies the slow-link case's network emulation (50 ms, 200 Mbit/s) to both pages.
 * --rgw runs the app against Ceph RGW (scripts/rgw.sh up) instead of the embedded store.
 * --rounds N interleaves N ceiling runs and N app runs (ceiling, app, ceiling, app, ...).
 *
 * Every run measures its page's renderer CPU from Chromium (CDP Performance
 * metrics: process, main thread, and script / style / layout / other tasks),
 * so other browsers on a shared machine do not count. The last round also
 * reports CPU per process (this browser's from CDP SystemInfo; the server's
 * from /proc) and per thread of the renderer and GPU processes (/proc). Then one more app run records a CPU profile of the renderer
 * (CDP Profiler; kept apart because the profiler itself costs renderer CPU)
 * and prints its top self-time functions. Writes bench/results/app-profile.md
 * (summary) and app-profile.cpuprofile (open in DevTools' Performance panel;
 * git-ignored, as it is large and machine-specific).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright';
import { testFile } from '../testing/test-file.js';
import { chooseFile, openAppPage, pageTiming, waitForDone } from './lib/app-run.js';
import { parseBenchArgs } from './lib/args.js';
import { buildClient } from './lib/build-client.js';
import { openCeilingPage, runCeiling } from './lib/ceiling-run.js';
import { withCleanup } from './lib/cleanup.js';
import { deleteObject, emulateLink, SLOW_LINK } from './lib/harness.js';
import { cpuBetween } from './lib/process-cpu.js';
import { snapshotRigCpu } from './lib/rig-cpu.js';
import { snapshotThreads, threadCpuBetween } from './lib/thread-cpu.js';
import { formatRendererCpu, startRendererCpu } from './lib/renderer-cpu.js';
import type { RendererCpu } from './lib/renderer-cpu.js';
import { openRgwBenchStore } from './lib/rgw-store.js';
import { startRig, withPage } from './lib/rig.js';
import type { RigApp } from './lib/rig.js';
import { formatSize, megabytesPerSecond } from './lib/size.js';
import { summarize } from './lib/stats.js';
import { keepAllResourceTimings, uploadPhases } from './lib/upload-phases.js';
import type { UploadPhases } from './lib/upload-phases.js';
import { formatSelfTime, topSelfTime } from './lib/ui-bench-profile.js';
import type { CpuProfile } from './lib/ui-bench-profile.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));
const log = (message: string) => process.stderr.write(`[profile] ${message}\n`);

const ms = (value: number) => `${value.toFixed(0)} ms`;

function phaseTable(phases: UploadPhases, bytes: number, start: number | null, end: number | null): string {
  const rows: [string, string][] = [];
  if (start !== null) rows.push(['change event to first part PUT (create, sign)', ms(phases.firstPutStart - start)]);
  const putMs = phases.lastPutEnd - phases.firstPutStart;
  rows.push([`PUT phase, ${phases.parts} parts`, `${ms(putMs)} = ${megabytesPerSecond(bytes, putMs).toFixed(1)} MB/s`]);
  if (phases.completeStart !== null && phases.completeEnd !== null) {
    rows.push(['last PUT end to complete request start', ms(phases.completeStart - phases.lastPutEnd)]);
    rows.push(['complete request (ListParts + CompleteMultipartUpload on the store)', ms(phases.completeEnd - phases.completeStart)]);
    if (end !== null) rows.push(['complete response to status Done', ms(end - phases.completeEnd)]);
  }
  return ['| phase | time |', '| --- | ---: |', ...rows.map(([name, value]) => `| ${name} | ${value} |`)].join('\n');
}

function cpuTable(rows: [string, number][], wallSeconds: number): string {
  return rows.map(([kind, seconds]) => `| ${kind} | ${seconds.toFixed(2)} s | ${((seconds / wallSeconds) * 100).toFixed(0)} % of one core |`).join('\n');
}

function threadTable(ceiling: [string, number][], app: [string, number][]): string {
  const names = [...new Set([...app, ...ceiling].map(([name]) => name))];
  const of = (rows: [string, number][], name: string) => (rows.find(([row]) => row === name)?.[1] ?? 0).toFixed(2);
  return names.map((name) => `| ${name} | ${of(ceiling, name)} s | ${of(app, name)} s |`).join('\n');
}

interface Run {
  mbps: number;
  wall: number;
  renderer: RendererCpu;
  processes: [string, number][];
  /** Seconds per thread name of the renderer and GPU processes (Linux only). */
  threads: [string, number][];
  phases: UploadPhases;
}

async function measured(rig: RigApp, page: Page, upload: () => Promise<{ mbps: number; key: string }>): Promise<Run> {
  const renderer = await startRendererCpu(page);
  const before = await snapshotRigCpu(rig.browser);
  const threadsBefore = await snapshotThreads(rig.browser);
  const started = performance.now();
  const { mbps, key } = await upload();
  const wall = (performance.now() - started) / 1000;
  const processes = cpuBetween(before, await snapshotRigCpu(rig.browser));
  const threads = threadCpuBetween(threadsBefore, await snapshotThreads(rig.browser))?.byThread ?? [];
  const result = { mbps, wall, renderer: await renderer.stop(), processes, threads, phases: await uploadPhases(page) };
  await deleteObject(rig.s3, rig.app, key);
  return result;
}

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2));
  if (args.build) await buildClient();
  const size = args.fileSize;
  const slow = process.argv.includes('--slow');
  const rgw = process.argv.includes('--rgw');
  const roundsAt = process.argv.indexOf('--rounds');
  const rounds = roundsAt >= 0 ? Math.max(1, Number(process.argv[roundsAt + 1]) || 1) : 3;
  const suffix = `${slow ? '-slow' : ''}${rgw ? '-rgw' : ''}`;
  const filePath = await testFile(size);

  const report = await withCleanup(async (scope) => {
    const external = rgw ? await openRgwBenchStore(scope) : undefined;
    if (external && !external.up) throw new Error(`--rgw: ${external.reason}`);
    const rig = await startRig(scope, external?.up ? { store: external.store } : {});

    const ceilingOnce = () =>
      withPage(rig, async (page) => {
        await keepAllResourceTimings(page);
        // The bare page hashes nothing: its API calls go to the CHECKSUM_MODE=off server.
        await openCeilingPage(page, rig.bare.app);
        if (slow) await emulateLink(page, SLOW_LINK);
        return measured(rig.bare, page, async () => {
          const result = await runCeiling(page, filePath);
          return { mbps: megabytesPerSecond(result.bytes, result.putMs), key: result.key };
        });
      });
    const appOnce = (profile: boolean) =>
      withPage(rig, async (page) => {
        await keepAllResourceTimings(page);
        await openAppPage(page, rig.app);
        if (slow) await emulateLink(page, SLOW_LINK);
        const cdp = profile ? await page.context().newCDPSession(page) : undefined;
        await cdp?.send('Profiler.enable');
        await cdp?.send('Profiler.setSamplingInterval', { interval: 1000 }); // µs
        await cdp?.send('Profiler.start');
        const run = await measured(rig, page, async () => {
          await chooseFile(page, filePath);
          const result = await waitForDone(page, size);
          return { mbps: megabytesPerSecond(result.bytes, result.totalMs), key: result.key };
        });
        const cpuProfile = cdp ? ((await cdp.send('Profiler.stop')) as { profile: CpuProfile }).profile : undefined;
        return { ...run, timing: await pageTiming(page), cpuProfile };
      });

    const ceilings: Run[] = [];
    const apps: Awaited<ReturnType<typeof appOnce>>[] = [];
    for (let round = 1; round <= rounds; round += 1) {
      ceilings.push(await ceilingOnce());
      log(`round ${round} ceiling ${ceilings.at(-1)!.mbps.toFixed(1)} MB/s, renderer ${formatRendererCpu(ceilings.at(-1)!.renderer)}`);
      apps.push(await appOnce(false));
      log(`round ${round} app ${apps.at(-1)!.mbps.toFixed(1)} MB/s, renderer ${formatRendererCpu(apps.at(-1)!.renderer)}`);
    }
    const profiled = await appOnce(true);
    log(`profiled app run ${profiled.mbps.toFixed(1)} MB/s`);
    const profile = profiled.cpuProfile!;

    const ceiling = ceilings.at(-1)!;
    const app = apps.at(-1)!;
    const median = (runs: Run[], pick: (run: Run) => number) => summarize(runs.map(pick)).median;
    const rendererRatios = apps.map((run, index) => run.renderer.processSeconds / ceilings[index]!.renderer.processSeconds);
    const rendererRow = (name: string, run: Run) => {
      const r = run.renderer;
      const cells = [r.processSeconds, r.mainThreadSeconds, r.scriptSeconds, r.styleSeconds, r.layoutSeconds, r.otherTaskSeconds];
      return `| ${name} | ${run.mbps.toFixed(1)} | ${cells.map((value) => value.toFixed(2)).join(' | ')} |`;
    };
    const profiledMs = (profile.endTime - profile.startTime) / 1000;
    const idleMs = topSelfTime(profile, 1000).filter((row) => row.frame.startsWith('(idle)')).reduce((sum, row) => sum + row.selfMs, 0);
    await mkdir(RESULTS_DIR, { recursive: true });
    await writeFile(`${RESULTS_DIR}app-profile${suffix}.cpuprofile`, JSON.stringify(profile));
    return [
      `# Where an app upload spends its time (${formatSize(size)})`,
      '',
      `${new Date().toISOString()} · ${rounds} interleaved rounds (ceiling run, then app run), then one profiled app run; same file, same server and store (${rgw ? 'Ceph RGW' : 'the embedded store'}), ${slow ? `slow link (latency ${SLOW_LINK.latency} ms, upload ${SLOW_LINK.uploadThroughput} B/s)` : 'no throttling'}.`,
      '',
      `Medians: ceiling ${median(ceilings, (run) => run.mbps).toFixed(1)} MB/s (PUT phase) · app ${median(apps, (run) => run.mbps).toFixed(1)} MB/s (change to Done) · ` +
        `renderer CPU app ÷ ceiling ${summarize(rendererRatios).median.toFixed(2)} (per round: ${rendererRatios.map((ratio) => ratio.toFixed(2)).join(', ')})`,
      '',
      '## Renderer per run (CDP Performance metrics of the page, seconds: process and main thread are CPU time; script, style, layout and other tasks are task durations, wall time)',
      '',
      '| run | MB/s | process | main thread | script | style | layout | other tasks (paint, IPC, …) |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...ceilings.flatMap((run, index) => [rendererRow(`ceiling ${index + 1}`, run), rendererRow(`app ${index + 1}`, apps[index]!)]),
      '',
      '## Phases of the last round (Resource Timing in the page)',
      '',
      'Ceiling (timed figure = PUT phase only):',
      '',
      phaseTable(ceiling.phases, size, null, null),
      '',
      'App (timed figure = change event to Done):',
      '',
      phaseTable(app.phases, size, app.timing.changeAt, app.timing.doneAt),
      '',
      `## CPU per process, last ceiling run (${ceiling.wall.toFixed(1)} s wall)`,
      '',
      '| process | CPU | share |',
      '| --- | ---: | ---: |',
      cpuTable(ceiling.processes, ceiling.wall),
      '',
      `## CPU per process, last app run (${app.wall.toFixed(1)} s wall)`,
      '',
      '| process | CPU | share |',
      '| --- | ---: | ---: |',
      cpuTable(app.processes, app.wall),
      '',
      'Chromium rows: this browser only (CDP SystemInfo). Server row: /proc, every `server/main.ts` on the machine.',
      '',
      '## CPU per thread of the renderer and GPU processes, last round (/proc/<pid>/task; threads of one name summed)',
      '',
      '| thread | ceiling | app |',
      '| --- | ---: | ---: |',
      threadTable(ceiling.threads, app.threads),
      '',
      `## Renderer main thread, profiled app run (${profiled.mbps.toFixed(1)} MB/s): top self time (CDP Profiler, 1 ms sampling, ${profiledMs.toFixed(0)} ms profiled, ${idleMs.toFixed(0)} ms idle)`,
      '',
      '```',
      formatSelfTime(topSelfTime(profile, 20)),
      '```',
      '',
    ].join('\n');
  });
  await writeFile(`${RESULTS_DIR}app-profile${suffix}.md`, report);
  process.stdout.write(report);
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
