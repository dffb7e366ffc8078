/** The server serves dist/client: build it, so a fresh checkout benchmarks the current client. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export class ClientBuildError extends Error {
  override name = 'ClientBuildError';
}

export async function buildClient(): Promise<void> {
  // Its output goes to stderr: stdout is kept for the results table.
  const child = spawn(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new ClientBuildError(`vite build exited with ${code}`);
}
