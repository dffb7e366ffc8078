/**
 * Builds what the benchmarks serve: the product client (dist/client, served by
 * the app server) and the UI bench page's own entry (dist/bench-ui), so a fresh
 * checkout benchmarks the current code.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BENCH_UI_CONFIG = 'bench/ui-page/vite.config.ts';
/** Where bench/ui-page/vite.config.ts builds the UI bench page. */
export const BENCH_UI_OUT_DIR = fileURLToPath(new URL('../../dist/bench-ui', import.meta.url));

export class ClientBuildError extends Error {
  override name = 'ClientBuildError';
}

async function viteBuild(extraArgs: readonly string[]): Promise<void> {
  // Its output goes to stderr: stdout is kept for the results table.
  const child = spawn(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn', ...extraArgs], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new ClientBuildError(`vite build ${extraArgs.join(' ')} exited with ${code}`);
}

export async function buildClient(): Promise<void> {
  await viteBuild([]);
  await viteBuild(['--config', BENCH_UI_CONFIG]);
}
