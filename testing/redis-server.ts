/**
 * A real Redis for tests: Debian's redis-server started on a free port with
 * no persistence, stopped by the test. Where the binary is missing the tests
 * that need it are skipped, unless REQUIRE_REDIS=1 (CI), which makes that an
 * error, as REQUIRE_RGW does for Ceph RGW.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { freePort } from './free-port.js';

export const REDIS_SERVER_BINARY = process.env.REDIS_SERVER ?? 'redis-server';

export interface TestRedis {
  readonly url: string;
  stop(): Promise<void>;
}

export class RedisMissingError extends Error {
  override name = 'RedisMissingError';
}

/** Whether tests that need Redis can run here; throws under REQUIRE_REDIS=1 when they cannot. */
export function redisAvailable(): boolean {
  const found = spawnSync(REDIS_SERVER_BINARY, ['--version'], { stdio: 'ignore' }).status === 0;
  if (!found && process.env.REQUIRE_REDIS === '1') {
    throw new RedisMissingError(`REQUIRE_REDIS=1 but ${REDIS_SERVER_BINARY} is not installed; apt-get install -y redis-server`);
  }
  return found;
}

export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  const child = spawn(REDIS_SERVER_BINARY, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await waitForReady(child);
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function waitForReady(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server not ready within 10 s:\n${output}`));
    }, 10_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${output}`));
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
