/**
 * The busy-store bench's movers as a child process (busy-movers-main.ts), so
 * 100 streams of part bodies do not lag the event loop the probes are timed on.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { BenchApiError } from './timed-upload.js';

export interface MoversOptions {
  baseUrl: string;
  /** Uploads moving bytes. */
  movers: number;
  /** Bytes of each mover's parts (the server's part size for its file). */
  partSize: number;
  /** The movers' process niceness (0 to 19). 19 stands in for browsers on other machines: they take only CPU the server leaves. Default 0. */
  nice?: number;
}

export type ToMovers = { type: 'start'; options: MoversOptions } | { type: 'window' } | { type: 'stop' };

export type FromMovers =
  | { type: 'moving' }
  /** As many parts stored as there are movers: every mover is past its first part, on average. */
  | { type: 'warm' }
  | { type: 'stopped'; megabytesPerSecond: number; cpuSeconds: number; errors: string[] }
  | { type: 'failed'; message: string };

export interface MoversResult {
  /** Bytes of parts the store answered between window() and stop(), per second. */
  megabytesPerSecond: number;
  /** CPU the movers' process used from the first PUT to stop(). */
  cpuSeconds: number;
  /** Mover PUTs that failed (the mover goes on with its next part). */
  errors: string[];
}

const ENTRY = new URL('./busy-movers-main.ts', import.meta.url);
const WARM_UP_LIMIT_MS = 60_000;

export class Movers {
  readonly #child: ChildProcess;
  readonly #messages: FromMovers[] = [];
  #waiting: (() => void) | undefined;
  #exited = false;

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (message: FromMovers) => {
      this.#messages.push(message);
      this.#waiting?.();
    });
    child.once('exit', () => {
      this.#exited = true;
      this.#waiting?.();
    });
  }

  /** Forks the movers and resolves once every mover has stored a part (steady state, not the first wave). */
  static async start(options: MoversOptions): Promise<Movers> {
    const child = fork(ENTRY, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const movers = new Movers(child);
    try {
      movers.#send({ type: 'start', options });
      await movers.#next('moving');
      await movers.#next('warm', WARM_UP_LIMIT_MS);
      return movers;
    } catch (error) {
      movers.kill();
      throw error;
    }
  }

  /** Starts counting the bytes stored. */
  window(): void {
    this.#send({ type: 'window' });
  }

  /** Stops every mover after its PUT in flight, aborts their uploads, and ends the process. */
  async stop(): Promise<MoversResult> {
    this.#send({ type: 'stop' });
    const stopped = await this.#next('stopped');
    await this.#exit();
    return { megabytesPerSecond: stopped.megabytesPerSecond, cpuSeconds: stopped.cpuSeconds, errors: stopped.errors };
  }

  kill(): void {
    if (!this.#exited) this.#child.kill('SIGKILL');
  }

  #send(message: ToMovers): void {
    this.#child.send(message);
  }

  async #exit(): Promise<void> {
    while (!this.#exited) await new Promise<void>((resolve) => (this.#waiting = resolve));
  }

  async #next<T extends FromMovers['type']>(type: T, limitMs?: number): Promise<Extract<FromMovers, { type: T }>> {
    const deadline = limitMs === undefined ? Infinity : performance.now() + limitMs;
    for (;;) {
      const index = this.#messages.findIndex((m) => m.type === type || m.type === 'failed');
      const message = index === -1 ? undefined : this.#messages.splice(index, 1)[0];
      if (message?.type === 'failed') throw new BenchApiError(`the movers failed: ${message.message}`);
      if (message !== undefined) return message as Extract<FromMovers, { type: T }>;
      if (this.#exited) throw new BenchApiError(`the movers' process ended before '${type}'`);
      const left = deadline - performance.now();
      if (left <= 0) throw new BenchApiError(`the movers did not send '${type}' within ${limitMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = Number.isFinite(left) ? setTimeout(resolve, left) : undefined;
        this.#waiting = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}
