/**
 * Builds the client into dist/client (what the real server serves), so the
 * UI case measures the production bundle, not Vite's dev server.
 */
import { spawn } from 'node:child_process';

const ROOT = new URL('../..', import.meta.url).pathname;

export class ClientBuildError extends Error {
  override name = 'ClientBuildError';
}

export async function buildClient(): Promise<void> {
  let output = '';
  const child = spawn(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => child.once('error', reject).once('exit', resolve));
  if (code !== 0) throw new ClientBuildError(`vite build exited with ${code}:\n${output}`);
}
