/**
 * Fast-link throughput, MB/s: the ceiling (bare page, 6 parallel part PUTs),
 * the app (change event to Done) with checksums on (CHECKSUM_MODE=md5, the
 * default: parts hashed in Web Workers, Content-MD5 enforced by the store) and
 * off (a second app server), and the peers (lib-storage from Node, Uppy 5
 * in the browser on the app's API), all into
 * the same store, alternating within each round: the embedded store always, and
 * Ceph RGW too when `scripts/rgw.sh up` has it running.
 *
 * Against the embedded store it also counts the CPU each variant spends per
 * GiB (Chromium's processes and the app server with its store): on a machine
 * where the browser and the store share two cores, that is what the
 * throughput ratios come from.
 */
import { testFile } from '../../testing/test-file.js';
import { CEILING_CONCURRENCY } from '../lib/ceiling-run.js';
import { withCleanup } from '../lib/cleanup.js';
import { deleteObject } from '../lib/harness.js';
import { PEER_PART_SIZE, PEER_QUEUE_SIZE, runPeer } from '../lib/peer-run.js';
import { cpuBetween } from '../lib/process-cpu.js';
import { openRgwBenchStore } from '../lib/rgw-store.js';
import { snapshotRigCpu } from '../lib/rig-cpu.js';
import { appRunOnce, ceilingOnce, startRig, uppyOnce } from '../lib/rig.js';
import type { BeforeClose, PreparePage, Rig } from '../lib/rig.js';
import { formatSize, megabytesPerSecond } from '../lib/size.js';
import { rendererWithoutWorkers, snapshotThreads, threadCpuBetween } from '../lib/thread-cpu.js';
import type { ThreadSnapshot } from '../lib/thread-cpu.js';
import type { BenchCase, Measurement } from '../lib/types.js';
import { UPPY_CONCURRENCY, UPPY_PART_SIZE } from '../lib/uppy-run.js';

/** One store under test and what it measured so far. */
interface Target {
  /** Id prefix: `throughput` or `throughput.rgw`. */
  id: string;
  /** Shown in labels and log lines; empty for the embedded store (the figures' ids predate RGW). */
  store: string;
  rig: Rig;
  ceiling: number[];
  app: number[];
  /** Long tasks (> 50 ms) on the app's main thread during each app run (checksums on). */
  appLongTasks: number[];
  appChecksumsOff: number[];
  peer: number[];
  uppy: number[];
  /** Core-seconds per GiB of the browser, its renderer and GPU threads, and the app server with its store; embedded store only (RGW's own processes are not counted). */
  cpu?: Record<CpuVariant, VariantCpu>;
}

/** Core-seconds per GiB, one value per run. */
interface VariantCpu {
  browser: number[];
  server: number[];
  /** The renderer without its dedicated workers (the MD5 workers): what driving and drawing the page cost. */
  renderer: number[];
  rendererMain: number[];
  /** The dedicated workers: the MD5 hashing. */
  workers: number[];
  gpu: number[];
}

export class ThroughputBenchError extends Error {
  override name = 'ThroughputBenchError';
}

type CpuVariant = 'ceiling' | 'app' | 'appChecksumsOff';

/** The hooks a run calls: once its page has loaded, and before it closes the page. */
interface RunHooks {
  prepare?: PreparePage;
  beforeClose?: BeforeClose;
}

/** Runs one variant and, when the target counts CPU, adds its core-seconds per GiB. */
async function withCpu<T>(target: Target, variant: CpuVariant, bytes: number, run: (hooks: RunHooks) => Promise<T>): Promise<T> {
  if (target.cpu === undefined) return run({});
  const { browser } = target.rig;
  const before = await snapshotRigCpu(browser);
  // Threads from the loaded page on: loading the app (its bundle's evaluation) is not the upload's cost.
  let threadsBefore: ThreadSnapshot | undefined;
  // The second snapshots are taken while the run's page is open: closing its context ends its renderer,
  // whose CPU (the MD5 workers' included) would then be missing.
  let after: Awaited<ReturnType<typeof snapshotRigCpu>> | undefined;
  let threadsAfter: ThreadSnapshot | undefined;
  const result = await run({
    prepare: async () => {
      threadsBefore = await snapshotThreads(browser);
    },
    beforeClose: async () => {
      after = await snapshotRigCpu(browser);
      threadsAfter = await snapshotThreads(browser);
    },
  });
  if (after === undefined || threadsBefore === undefined || threadsAfter === undefined) {
    throw new ThroughputBenchError('the run closed its page without taking the CPU snapshots');
  }
  const spent = cpuBetween(before, after);
  const perGiB = (seconds: number) => (seconds * 2 ** 30) / bytes;
  const sum = (kind: (name: string) => boolean) => spent.filter(([name]) => kind(name)).reduce((total, [, seconds]) => total + seconds, 0);
  const cpu = target.cpu[variant];
  cpu.browser.push(perGiB(sum((name) => name.startsWith('chromium'))));
  cpu.server.push(perGiB(sum((name) => !name.startsWith('chromium'))));
  const threads = threadCpuBetween(threadsBefore, threadsAfter);
  if (threads !== undefined) {
    cpu.renderer.push(perGiB(rendererWithoutWorkers(threads)));
    cpu.rendererMain.push(perGiB(threads.renderer.main));
    cpu.workers.push(perGiB(threads.renderer.workers));
    cpu.gpu.push(perGiB(threads.gpu));
  }
  return result;
}

/** The run's CPU for its log line. */
function cpuLine(target: Target, variant: CpuVariant): string {
  const cpu = target.cpu?.[variant];
  const last = (values: number[] | undefined) => values?.at(-1)?.toFixed(2);
  if (cpu === undefined || cpu.renderer.length === 0) return '';
  const workers = variant === 'app' ? `, MD5 workers ${last(cpu.workers)}` : '';
  return ` · core-s/GiB: renderer without workers ${last(cpu.renderer)} (main thread ${last(cpu.rendererMain)})${workers}, GPU process ${last(cpu.gpu)}, all Chromium ${last(cpu.browser)}`;
}

const noCpu = (): VariantCpu => ({ browser: [], server: [], renderer: [], rendererMain: [], workers: [], gpu: [] });


export const throughputCase: BenchCase = {
  name: 'throughput',
  async run({ runs, fileSize, log }) {
    const filePath = await testFile(fileSize);
    return withCleanup(async (scope) => {
      const embedded = await startRig(scope);
      const targets: Target[] = [
        {
          id: 'throughput',
          store: '',
          rig: embedded,
          ceiling: [],
          app: [],
          appLongTasks: [],
          appChecksumsOff: [],
          peer: [],
          uppy: [],
          cpu: { ceiling: noCpu(), app: noCpu(), appChecksumsOff: noCpu() },
        },
      ];
      const rgw = await openRgwBenchStore(scope);
      if (rgw.up) {
        const rig = await startRig(scope, { store: rgw.store, browser: embedded.browser });
        targets.push({ id: 'throughput.rgw', store: 'Ceph RGW', rig, ceiling: [], app: [], appLongTasks: [], appChecksumsOff: [], peer: [], uppy: [] });
        log(`throughput: also against Ceph RGW at ${rgw.store.endpoint}, bucket ${rgw.store.bucket}`);
      } else {
        log(`throughput: Ceph RGW is not up (${rgw.reason}); embedded store only`);
      }

      for (let round = 1; round <= runs; round++) {
        for (const target of targets) {
          const { rig } = target;
          const where = target.store === '' ? '' : ` ${target.store}`;
          // Every run deletes its object at once (rig and below): RGW here keeps data in RAM.
          target.ceiling.push(await withCpu(target, 'ceiling', fileSize, (hooks) => ceilingOnce(rig, filePath, hooks.prepare, hooks.beforeClose)));
          log(`throughput round ${round}/${runs}:${where} ceiling ${target.ceiling.at(-1)!.toFixed(1)} MB/s${cpuLine(target, 'ceiling')}`);
          const app = await withCpu(target, 'app', fileSize, (hooks) => appRunOnce(rig, filePath, fileSize, hooks.prepare, hooks.beforeClose));
          target.app.push(app.megabytesPerSecond);
          target.appLongTasks.push(app.longTasks);
          log(`throughput round ${round}/${runs}:${where} app ${target.app.at(-1)!.toFixed(1)} MB/s${cpuLine(target, 'app')}`);
          const appOff = await withCpu(target, 'appChecksumsOff', fileSize, (hooks) => appRunOnce(rig.bare, filePath, fileSize, hooks.prepare, hooks.beforeClose));
          target.appChecksumsOff.push(appOff.megabytesPerSecond);
          log(`throughput round ${round}/${runs}:${where} app with checksums off ${target.appChecksumsOff.at(-1)!.toFixed(1)} MB/s${cpuLine(target, 'appChecksumsOff')}`);
          const result = await runPeer(rig.s3, rig.app, filePath, fileSize);
          await deleteObject(rig.s3, rig.app, result.key);
          target.peer.push(megabytesPerSecond(result.bytes, result.totalMs));
          log(`throughput round ${round}/${runs}:${where} peer ${target.peer.at(-1)!.toFixed(1)} MB/s`);
          target.uppy.push(await uppyOnce(rig, filePath));
          log(`throughput round ${round}/${runs}:${where} uppy ${target.uppy.at(-1)!.toFixed(1)} MB/s`);
        }
      }
      return targets.flatMap((target) => measurementsOf(target, formatSize(fileSize)));
    });
  },
};

function measurementsOf(target: Target, size: string): Measurement[] {
  const on = target.store === '' ? '' : `, ${target.store}`;
  const storeNote = target.store === '' ? '' : '; Ceph RGW 16 of scripts/rgw.sh (one memstore OSD, data in RAM), bench bucket with CORS \'*\'';
  return [
    {
      id: `${target.id}.ceiling`,
      label: `Ceiling: bare page, ${CEILING_CONCURRENCY} parallel part PUTs, ${size}${on}`,
      unit: 'MB/s',
      samples: target.ceiling,
      better: 'higher',
      note: `headless Chromium, PUT phase only (first PUT start to last PUT end, performance.now in the page); create, sign and complete not timed${storeNote}`,
    },
    {
      id: `${target.id}.app`,
      label: `App: choose to Done, ${size}${on}`,
      unit: 'MB/s',
      samples: target.app,
      better: 'higher',
      note: `headless Chromium, the real UI; from the file input's change event to the card's status Done (create, sign, parts, complete); CHECKSUM_MODE=md5 (the default)${storeNote}`,
    },
    {
      id: `${target.id}.app.long-tasks`,
      label: `App: main-thread tasks over 50 ms while uploading, ${size}${on}`,
      unit: 'count',
      samples: target.appLongTasks,
      better: 'lower',
      note: `PerformanceObserver('longtask') in the app's page, tasks that started between the change event and Done; CHECKSUM_MODE=md5 (parts hashed in Web Workers)${storeNote}`,
    },
    {
      id: `${target.id}.app-checksums-off`,
      label: `App with checksums off: choose to Done, ${size}${on}`,
      unit: 'MB/s',
      samples: target.appChecksumsOff,
      better: 'higher',
      note: `as App, but the server runs with CHECKSUM_MODE=off: no part hashing, no Content-MD5, no ETag checks${storeNote}`,
    },
    {
      id: `${target.id}.peer`,
      label: `Peer: @aws-sdk/lib-storage Upload from Node, ${size}${on}`,
      unit: 'MB/s',
      samples: target.peer,
      better: 'higher',
      note: `queueSize ${PEER_QUEUE_SIZE}, partSize ${formatSize(PEER_PART_SIZE)}, body fs.createReadStream; new Upload() to done()${storeNote}`,
    },
    {
      id: `${target.id}.uppy`,
      label: `Peer: Uppy 5 (@uppy/aws-s3) on the app's API, ${size}${on}`,
      unit: 'MB/s',
      samples: target.uppy,
      better: 'higher',
      note: `headless Chromium, @uppy/core + @uppy/aws-s3 5.x in a bare page on the app's origin (bench/uppy-page), limit ${UPPY_CONCURRENCY}, ${formatSize(UPPY_PART_SIZE)} parts, the app's create/sign (one call per part, as Uppy asks)/complete/abort; change event to Uppy's complete${storeNote}`,
    },
    ...cpuMeasurements(target),
  ];
}

const CPU_LABELS: Record<CpuVariant, string> = { ceiling: 'ceiling page', app: 'app', appChecksumsOff: 'app with checksums off' };

function cpuMeasurements(target: Target): Measurement[] {
  const { cpu } = target;
  if (cpu === undefined) return [];
  const ids: Record<CpuVariant, string> = { ceiling: 'ceiling', app: 'app', appChecksumsOff: 'app-checksums-off' };
  const rounded = (values: number[]) => values.map((value) => Math.round(value * 100) / 100);
  const threadsNote = 'from the page loaded to before it closes (loading the page is not counted), divided by the GiB moved; /proc/<pid>/task of the browser\'s renderer processes (pids from CDP SystemInfo)';
  return (Object.keys(ids) as CpuVariant[]).flatMap((variant): Measurement[] => [
    {
      id: `${target.id}.cpu.browser.${ids[variant]}`,
      label: `CPU per GiB, Chromium (all its processes), ${CPU_LABELS[variant]}`,
      unit: 'core-s/GiB',
      samples: rounded(cpu[variant].browser),
      better: 'lower',
      note: 'CPU time of the bench browser\'s processes (CDP SystemInfo), from before the page opens to before it closes (its renderer included), divided by the GiB moved; the MD5 workers run in the renderer',
    },
    {
      id: `${target.id}.cpu.server.${ids[variant]}`,
      label: `CPU per GiB, app server with the embedded store, ${CPU_LABELS[variant]}`,
      unit: 'core-s/GiB',
      samples: rounded(cpu[variant].server),
      better: 'lower',
      note: 'CPU time of the server processes (/proc: both rig servers, each with its embedded store on a worker thread) over the run, divided by the GiB moved',
    },
    ...(cpu[variant].renderer.length === 0
      ? []
      : [
          {
            id: `${target.id}.cpu.renderer.${ids[variant]}`,
            label: `Renderer CPU per GiB excluding the hashing workers, ${CPU_LABELS[variant]}`,
            unit: 'core-s/GiB',
            samples: rounded(cpu[variant].renderer),
            better: 'lower' as const,
            note: `the page's renderer process, all its threads but its dedicated workers (the app's MD5 workers): main thread, compositor, raster, IPC, V8's compiler and GC threads; what driving the upload and drawing its progress cost; ${threadsNote}. Reading the parts for the workers also costs the renderer's IO thread a little, which stays in this figure`,
          },
          {
            id: `${target.id}.cpu.renderer-main.${ids[variant]}`,
            label: `Renderer main thread CPU per GiB, ${CPU_LABELS[variant]}`,
            unit: 'core-s/GiB',
            samples: rounded(cpu[variant].rendererMain),
            better: 'lower' as const,
            note: `the renderer's main thread (script, style, layout, paint, XHR events); ${threadsNote}`,
          },
          ...(variant === 'app'
            ? [
                {
                  id: `${target.id}.cpu.renderer-workers.app`,
                  label: 'Renderer hashing workers CPU per GiB, app',
                  unit: 'core-s/GiB',
                  samples: rounded(cpu.app.workers),
                  better: 'lower' as const,
                  note: `the renderer's dedicated worker threads (the MD5 workers: reading each part and hashing it); ${threadsNote}`,
                },
              ]
            : []),
          {
            id: `${target.id}.cpu.gpu.${ids[variant]}`,
            label: `GPU process CPU per GiB, ${CPU_LABELS[variant]}`,
            unit: 'core-s/GiB',
            samples: rounded(cpu[variant].gpu),
            better: 'lower' as const,
            note: `Chromium's GPU process, which in headless Chromium also composites the frames the page produces; from the page loaded to before it closes, divided by the GiB moved (/proc, pid from CDP SystemInfo)`,
          },
        ]),
  ]);
}

export default throughputCase;
