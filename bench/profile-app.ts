/**
 * Where an app upload spends its time, next to the ceiling's:
 *
 *   npx tsx bench/profile-app.ts [--size 1GiB] [--slow] [--rgw] [--no-build]
 *
 * --slow applies the slow-link case's network emulation (50 ms, 200 Mbit/s) to both pages.
 * --rgw runs the app against Ceph RGW (scripts/rgw.sh up) instead of the embedded store.
 *
 * One ceiling run and one app run of the same file; for each, CPU seconds per
 * process (renderer, Chromium browser/network process, server + embedded store)
 * from /proc. The app run also records a CPU profile of the renderer (CDP
 * Profiler) and prints its top self-time functions. Writes
 * bench/results/app-profile.md (summary) and app-profile.cpuprofile (open in
 * DevTools' Performance panel; git-ignored, as it is large and machine-specific).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { testFile } from '../testing/test-file.js';
import { chooseFile, openAppPage, pageTiming, waitForDone } from './lib/app-run.js';
import { parseBenchArgs } from './lib/args.js';
import { buildClient } from './lib/build-client.js';
import { openCeilingPage, runCeiling } from './lib/ceiling-run.js';
import { withCleanup } from './lib/cleanup.js';
import { deleteObject, emulateLink, SLOW_LINK } from './lib/harness.js';
import { cpuBetween, snapshotCpu } from './lib/process-cpu.js';
import { openRgwBenchStore } from './lib/rgw-store.js';
import { startRig, withPage } from './lib/rig.js';
import { formatSize, megabytesPerSecond } from './lib/size.js';
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

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2));
  if (args.build) await buildClient();
  const size = args.fileSize;
  const slow = process.argv.includes('--slow');
  const rgw = process.argv.includes('--rgw');
  const suffix = `${slow ? '-slow' : ''}${rgw ? '-rgw' : ''}`;
  const filePath = await testFile(size);

  const report = await withCleanup(async (scope) => {
    const external = rgw ? await openRgwBenchStore(scope) : undefined;
    if (external && !external.up) throw new Error(`--rgw: ${external.reason}`);
    const rig = await startRig(scope, external?.up ? { store: external.store } : {});

    const ceiling = await withPage(rig, async (page) => {
      await keepAllResourceTimings(page);
      await openCeilingPage(page, rig.app);
      if (slow) await emulateLink(page, SLOW_LINK);
      const before = snapshotCpu();
      const started = performance.now();
      const result = await runCeiling(page, filePath);
      const wall = (performance.now() - started) / 1000;
      const cpu = cpuBetween(before, snapshotCpu());
      const phases = await uploadPhases(page);
      await deleteObject(rig.s3, rig.app, result.key);
      return { mbps: megabytesPerSecond(result.bytes, result.putMs), wall, cpu, phases };
    });
    log(`ceiling ${ceiling.mbps.toFixed(1)} MB/s`);

    const app = await withPage(rig, async (page) => {
      await keepAllResourceTimings(page);
      await openAppPage(page, rig.app);
      if (slow) await emulateLink(page, SLOW_LINK);
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 1000 }); // µs
      await cdp.send('Profiler.start');
      const before = snapshotCpu();
      const started = performance.now();
      await chooseFile(page, filePath);
      const result = await waitForDone(page, size);
      const wall = (performance.now() - started) / 1000;
      const cpu = cpuBetween(before, snapshotCpu());
      const { profile } = (await cdp.send('Profiler.stop')) as { profile: CpuProfile };
      const phases = await uploadPhases(page);
      const timing = await pageTiming(page);
      await deleteObject(rig.s3, rig.app, result.key);
      return { mbps: megabytesPerSecond(result.bytes, result.totalMs), wall, cpu, profile, phases, timing };
    });
    log(`app ${app.mbps.toFixed(1)} MB/s`);

    const profiledMs = (app.profile.endTime - app.profile.startTime) / 1000;
    const idleMs = topSelfTime(app.profile, 1000).filter((row) => row.frame.startsWith('(idle)')).reduce((sum, row) => sum + row.selfMs, 0);
    await mkdir(RESULTS_DIR, { recursive: true });
    await writeFile(`${RESULTS_DIR}app-profile${suffix}.cpuprofile`, JSON.stringify(app.profile));
    return [
      `# Where an app upload spends its time (${formatSize(size)})`,
      '',
      `${new Date().toISOString()} · one ceiling run, then one app run, same file, same server and store (${rgw ? 'Ceph RGW' : 'the embedded store'}), ${slow ? `slow link (latency ${SLOW_LINK.latency} ms, upload ${SLOW_LINK.uploadThroughput} B/s)` : 'no throttling'}.`,
      '',
      `Ceiling ${ceiling.mbps.toFixed(1)} MB/s (PUT phase) · app ${app.mbps.toFixed(1)} MB/s (change to Done) · app ÷ ceiling ${((app.mbps / ceiling.mbps) * 100).toFixed(0)} %`,
      '',
      '## Phases (Resource Timing in the page)',
      '',
      'Ceiling (timed figure = PUT phase only):',
      '',
      phaseTable(ceiling.phases, size, null, null),
      '',
      'App (timed figure = change event to Done):',
      '',
      phaseTable(app.phases, size, app.timing.changeAt, app.timing.doneAt),
      '',
      `## CPU per process, ceiling run (${ceiling.wall.toFixed(1)} s wall)`,
      '',
      '| process | CPU | share |',
      '| --- | ---: | ---: |',
      cpuTable(ceiling.cpu, ceiling.wall),
      '',
      `## CPU per process, app run (${app.wall.toFixed(1)} s wall)`,
      '',
      '| process | CPU | share |',
      '| --- | ---: | ---: |',
      cpuTable(app.cpu, app.wall),
      '',
      `## Renderer main thread, app run: top self time (CDP Profiler, 1 ms sampling, ${profiledMs.toFixed(0)} ms profiled, ${idleMs.toFixed(0)} ms idle)`,
      '',
      '```',
      formatSelfTime(topSelfTime(app.profile, 20)),
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
