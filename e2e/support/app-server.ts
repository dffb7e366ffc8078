/**
 * Runs the real server (`server/main.ts`, as `npm start` does after the build)
 * in a child process on fixed free ports, with the embedded store in-process.
 * Fixed ports let a test restart it and keep the presigned URLs valid.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { freePort } from './free-port.js';

export interface AppServer {
  /** The app's origin, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly s3: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string; bucket: string };
  /** Kills the process at once (no graceful shutdown) and starts it again on the same ports and data. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const ROOT = new URL('../..', import.meta.url).pathname;

export async function startAppServer(extraEnv: Record<string, string> = {}): Promise<AppServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'e2e-s3-'));
  const port = await freePort();
  const s3Port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_ORIGIN: url,
    LOCAL_S3_DIR: dataDir,
    LOCAL_S3_PORT: String(s3Port),
    TOKEN_SECRET: randomBytes(32).toString('hex'),
    JANITOR_INTERVAL: '0',
    LOG_LEVEL: 'warn',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...extraEnv,
  };
  delete (env as Record<string, string | undefined>).S3_ENDPOINT;

  let child: ChildProcess | undefined;
  let output = '';
  const launch = async () => {
    output = '';
    child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitForHealth(url, child, () => output);
  };
  const kill = async (signal: NodeJS.Signals) => {
    const running = child;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill(signal);
    });
  };

  await launch();
  return {
    url,
    s3: {
      endpoint: `http://127.0.0.1:${s3Port}`,
      region: 'us-east-1',
      accessKeyId: 'local-access-key',
      secretAccessKey: 'local-secret-key',
      bucket: 'uploads',
    },
    async restart() {
      await kill('SIGKILL');
      await launch();
    },
    async stop() {
      await kill('SIGTERM');
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${url}/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not become healthy within 60 s:\n${output()}`);
}
