/**
 * Runs the real server (`server/main.ts`, as `npm start` does after the build)
 * in a child process on fixed free ports, with the embedded store in-process,
 * or against an external store (e.g. Ceph RGW) when `options.store` is given.
 * Fixed ports let a test restart it and keep the presigned URLs valid.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { readLocalS3Credentials } from '@s3-big-upload/local-s3';
import { freePort } from './free-port.js';

/** An S3-compatible store the server should use instead of the embedded one; its bucket's CORS must let the app's origin PUT and expose ETag. */
export interface ExternalStore {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
}

export interface AppServerOptions {
  store?: ExternalStore;
  /** Extra arguments for node before the script, e.g. `--cpu-prof` (not allowed in NODE_OPTIONS). */
  nodeArgs?: readonly string[];
}

export interface AppServer {
  /** The app's origin, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly s3: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string; bucket: string };
  /** The server process's id (a new one after restart), e.g. to read its CPU time from /proc. */
  readonly pid: number;
  /** Kills the process at once (no graceful shutdown) and starts it again on the same ports and data. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const ROOT = new URL('..', import.meta.url).pathname;

export async function startAppServer(extraEnv: Record<string, string> = {}, options: AppServerOptions = {}): Promise<AppServer> {
  if (options.store !== undefined) return startWithExternalStore(extraEnv, options.store, options.nodeArgs);
  const dataDir = await mkdtemp(join(tmpdir(), 'e2e-s3-'));
  const port = await freePort();
  const s3Port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...serverEnv(port), LOCAL_S3_DIR: dataDir, LOCAL_S3_PORT: String(s3Port), ...extraEnv };
  delete env.S3_ENDPOINT;

  const server = await spawnServer(env, url, options.nodeArgs);
  // The embedded store made its random keys on first start, in its data folder.
  const credentials = await readLocalS3Credentials(dataDir);
  if (credentials === undefined) throw new Error(`the embedded store left no credentials in ${dataDir}`);
  return {
    url,
    s3: {
      endpoint: `http://127.0.0.1:${s3Port}`,
      region: 'us-east-1',
      ...credentials,
      bucket: 'uploads',
    },
    get pid() {
      return server.pid;
    },
    restart: server.restart,
    async stop() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * What every test server gets: its port and origin, a token secret fixed for
 * the process's life (so a restart keeps tokens valid), no janitor timer, and
 * no developer's .env file (it could point the tests at a real bucket).
 */
function serverEnv(port: number): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_ORIGIN: `http://127.0.0.1:${port}`,
    TOKEN_SECRET: randomBytes(32).toString('hex'),
    JANITOR_INTERVAL: '0',
    LOG_LEVEL: 'warn',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ENV_FILE: '',
  };
}

async function startWithExternalStore(extraEnv: Record<string, string>, store: ExternalStore, nodeArgs: readonly string[] = []): Promise<AppServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    ...serverEnv(port),
    S3_ENDPOINT: store.endpoint,
    S3_REGION: store.region,
    S3_BUCKET: store.bucket,
    S3_ACCESS_KEY_ID: store.accessKeyId,
    S3_SECRET_ACCESS_KEY: store.secretAccessKey,
    S3_FORCE_PATH_STYLE: 'true',
    ...extraEnv,
  };
  const server = await spawnServer(env, url, nodeArgs);
  return {
    url,
    s3: { ...store },
    get pid() {
      return server.pid;
    },
    restart: server.restart,
    stop: server.stop,
  };
}

interface ServerProcess {
  readonly pid: number;
  /** SIGKILL, then the same command again (same ports, env and data). */
  restart(): Promise<void>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
}

/** `server/main.ts` in a child process, healthy before this resolves. */
async function spawnServer(env: NodeJS.ProcessEnv, url: string, nodeArgs: readonly string[] = []): Promise<ServerProcess> {
  let child: ChildProcess | undefined;
  let output = '';
  const launch = async () => {
    output = '';
    child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
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
    get pid() {
      if (child?.pid === undefined) throw new Error('the server process has no pid');
      return child.pid;
    },
    async restart() {
      await kill('SIGKILL');
      await launch();
    },
    stop: () => kill('SIGTERM'),
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
