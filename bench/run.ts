/**
 * Runs the benchmarks and writes bench/results/latest.{json,md,svg} (the SVG charts the throughput figures).
 *
 *   npm run bench [-- --only throughput,memory] [--runs 3] [--size 1GiB] [--slow-size 256MiB] [--no-build]
 *
 * Progress goes to stderr; the Markdown table is printed to stdout at the end.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { BenchArgsError, parseBenchArgs } from './lib/args.js';
import { buildClient } from './lib/build-client.js';
import { toSvgChart } from './lib/chart.js';
import { loadCases } from './lib/case-list.js';
import { closeAllScopes } from './lib/cleanup.js';
import { describeMachine } from './lib/machine.js';
import { computeRatios, toFigure, toMarkdown } from './lib/report.js';
import type { BenchReport, Figure } from './lib/report.js';
import { formatSize } from './lib/size.js';
import type { BenchContext } from './lib/types.js';
import type { RunnerContext } from './lib/runner-context.js';

// The SDK warns on every run that its 2027 releases need Node 22; children inherit this.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

// Interrupted: stop every server and browser a case started, then go.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping what the cases started`);
    void closeAllScopes().finally(() => process.exit(130));
  });
}

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2));
  const { cases, missing } = await loadCases();
  for (const module of missing) log(`case module ${module} is not there yet; skipped`);
  const unknown = args.only.filter((name) => !cases.some((c) => c.name === name));
  if (unknown.length > 0) throw new BenchArgsError(`unknown case(s) ${unknown.join(', ')}; known: ${cases.map((c) => c.name).join(', ')}`);
  const selected = args.only.length === 0 ? cases : cases.filter((c) => args.only.includes(c.name));

  if (args.build) {
    log('building the client (vite build)');
    await buildClient();
  }
  const machine = await describeMachine();
  log(`${machine.cpuModel}, ${machine.cores} cores · Chromium ${machine.chromium} · ${args.runs} runs · ${formatSize(args.fileSize)}`);

  const context: RunnerContext & BenchContext = { runs: args.runs, fileSize: args.fileSize, slowFileSize: args.slowFileSize, log };
  const figures: Figure[] = [];
  const failures: BenchReport['failures'] = [];
  for (const benchCase of selected) {
    const started = Date.now();
    log(`case ${benchCase.name}: start`);
    try {
      for (const measurement of await benchCase.run(context)) figures.push(toFigure(measurement));
      log(`case ${benchCase.name}: done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      failures.push({ case: benchCase.name, error: message });
      log(`case ${benchCase.name} failed: ${error instanceof Error ? (error.stack ?? message) : message}`);
    }
  }

  const report: BenchReport = {
    date: new Date().toISOString(),
    machine,
    options: { runs: args.runs, fileSize: args.fileSize, slowFileSize: args.slowFileSize, only: args.only },
    figures,
    ratios: computeRatios(figures),
    failures,
  };
  const markdown = toMarkdown(report);
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(`${RESULTS_DIR}latest.json`, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(`${RESULTS_DIR}latest.md`, markdown);
  await writeFile(`${RESULTS_DIR}latest.svg`, toSvgChart(report));
  log(`wrote bench/results/latest.json, latest.md and latest.svg`);
  process.stdout.write(markdown);
  if (failures.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  log(error instanceof BenchArgsError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
