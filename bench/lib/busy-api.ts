/**
 * API latency while the store is busy: `movers` multipart uploads PUT parts
 * back to back through the real server's store (from a process of their own,
 * busy-movers.ts), and once they are past their first wave, probe uploads
 * (create, sign, a 64 KiB PUT, complete) start at a fixed rate from this
 * process, each on its own (open loop: a slow answer does not slow the next
 * probe's start, so queueing shows in the figures). What a deployment sees
 * when many people upload at once: the API's answers while bytes flow.
 */
import { Movers } from './busy-movers.js';
import { describeError, noLatencies, timedUpload } from './timed-upload.js';
import type { Latencies } from './timed-upload.js';

export interface BusyApiOptions {
  baseUrl: string;
  /** Uploads moving bytes during the window. */
  movers: number;
  /** Bytes of each mover's parts (the server's part size for its file). */
  partSize: number;
  /** Probe uploads started per second. */
  probesPerSecond: number;
  windowMs: number;
  probeBytes: number;
  /** The movers' process niceness (see MoversOptions.nice). */
  moversNice?: number;
}

export interface BusyApiRun {
  latencies: Latencies;
  /** Bytes the movers stored per second during the window (PUTs answered). */
  moverMegabytesPerSecond: number;
  /** CPU seconds of the movers' process while it moved bytes (load on the same cores as the server). */
  moverCpuSeconds: number;
  probes: number;
  /** Mover PUTs that failed (the mover goes on with its next part). */
  moverErrors: string[];
  /** Probe uploads that failed, with why. */
  probeErrors: string[];
}

export async function runBusyApi(options: BusyApiOptions): Promise<BusyApiRun> {
  const { baseUrl } = options;
  const movers = await Movers.start({
    baseUrl,
    movers: options.movers,
    partSize: options.partSize,
    nice: options.moversNice,
  });
  try {
    movers.window();
    const started = performance.now();
    const latencies = noLatencies();
    const probeBody = new Uint8Array(options.probeBytes).fill(3);
    const probes: Promise<void>[] = [];
    const probeErrors: string[] = [];
    const interval = 1000 / options.probesPerSecond;
    for (let index = 0; performance.now() - started < options.windowMs; index += 1) {
      probes.push(
        timedUpload(baseUrl, `probe-${index}.bin`, probeBody, latencies).catch((error: unknown) => {
          probeErrors.push(describeError(error));
        }),
      );
      const nextAt = started + (index + 1) * interval;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, nextAt - performance.now())));
    }
    const moved = await movers.stop();
    await Promise.all(probes);
    return {
      latencies,
      moverMegabytesPerSecond: moved.megabytesPerSecond,
      moverCpuSeconds: moved.cpuSeconds,
      probes: probes.length,
      moverErrors: moved.errors,
      probeErrors,
    };
  } finally {
    movers.kill();
  }
}
