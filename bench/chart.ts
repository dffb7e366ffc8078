/**
 * Redraws bench/results/latest.svg from latest.json (npm run bench writes both;
 * this is for a JSON edited or kept from an older run):
 *
 *   npx tsx bench/chart.ts
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { toSvgChart } from './lib/chart.js';
import type { BenchReport } from './lib/report.js';

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

const report = JSON.parse(await readFile(`${RESULTS_DIR}latest.json`, 'utf8')) as BenchReport;
await writeFile(`${RESULTS_DIR}latest.svg`, toSvgChart(report));
process.stderr.write('[chart] wrote bench/results/latest.svg\n');
