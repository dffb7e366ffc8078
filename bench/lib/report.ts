/**
 * The results file: every figure summarized (min/median/max over runs) and the
 * ratios from medians, as JSON for machines and a Markdown table for people.
 */
import type { Machine } from './machine.js';
import { summarize } from './stats.js';
import type { Summary } from './stats.js';
import type { Measurement } from './types.js';

export interface Figure extends Summary {
  id: string;
  label: string;
  unit: string;
  better: Measurement['better'];
  samples: number[];
  note?: string;
}

export interface Ratio {
  id: string;
  label: string;
  numerator: string;
  denominator: string;
  /** numerator median ÷ denominator median. */
  value: number;
}

export interface BenchReport {
  date: string;
  machine: Machine;
  options: { runs: number; fileSize: number; slowFileSize: number; only: string[] };
  figures: Figure[];
  ratios: Ratio[];
  /** Cases that threw, with their message; their figures are missing. */
  failures: { case: string; error: string }[];
}

/** Ratios the issue asks for; one is left out when either figure was not measured. */
export const RATIOS: readonly Omit<Ratio, 'value'>[] = [
  { id: 'app/ceiling', label: 'App ÷ ceiling, fast link', numerator: 'throughput.app', denominator: 'throughput.ceiling' },
  {
    id: 'app-checksums-off/ceiling',
    label: 'App with checksums off ÷ ceiling, fast link',
    numerator: 'throughput.app-checksums-off',
    denominator: 'throughput.ceiling',
  },
  {
    id: 'cpu.renderer.app/cpu.renderer.ceiling',
    label: 'Renderer CPU per GiB excluding the hashing workers, app ÷ ceiling (lower is better)',
    numerator: 'throughput.cpu.renderer.app',
    denominator: 'throughput.cpu.renderer.ceiling',
  },
  {
    id: 'cpu.renderer.app-checksums-off/cpu.renderer.ceiling',
    label: 'Renderer CPU per GiB, app with checksums off ÷ ceiling (lower is better)',
    numerator: 'throughput.cpu.renderer.app-checksums-off',
    denominator: 'throughput.cpu.renderer.ceiling',
  },
  { id: 'slow.app/slow.ceiling', label: 'App ÷ ceiling, slow link', numerator: 'slow.app', denominator: 'slow.ceiling' },
  { id: 'app/peer', label: 'App ÷ peer (lib-storage)', numerator: 'throughput.app', denominator: 'throughput.peer' },
  { id: 'rgw.app/rgw.ceiling', label: 'App ÷ ceiling, fast link, Ceph RGW', numerator: 'throughput.rgw.app', denominator: 'throughput.rgw.ceiling' },
  {
    id: 'rgw.app-checksums-off/rgw.ceiling',
    label: 'App with checksums off ÷ ceiling, fast link, Ceph RGW',
    numerator: 'throughput.rgw.app-checksums-off',
    denominator: 'throughput.rgw.ceiling',
  },
  { id: 'app/uppy', label: 'App ÷ Uppy 5, fast link', numerator: 'throughput.app', denominator: 'throughput.uppy' },
  { id: 'slow.app/slow.uppy', label: 'App ÷ Uppy 5, slow link', numerator: 'slow.app', denominator: 'slow.uppy' },
  { id: 'small-files.app/small-files.uppy', label: 'App ÷ Uppy 5, 1,000 small files (files/s)', numerator: 'small-files.app', denominator: 'small-files.uppy' },
  { id: 'rgw.app/rgw.peer', label: 'App ÷ peer (lib-storage), Ceph RGW', numerator: 'throughput.rgw.app', denominator: 'throughput.rgw.peer' },
  { id: 'rgw.app/rgw.uppy', label: 'App ÷ Uppy 5, Ceph RGW', numerator: 'throughput.rgw.app', denominator: 'throughput.rgw.uppy' },
];

export function toFigure(measurement: Measurement): Figure {
  const { id, label, unit, better, samples, note } = measurement;
  return { id, label, unit, better, samples: [...samples], ...summarize(samples), ...(note !== undefined && { note }) };
}

export function computeRatios(figures: readonly Figure[]): Ratio[] {
  const median = new Map(figures.map((figure) => [figure.id, figure.median]));
  return RATIOS.flatMap((ratio) => {
    const top = median.get(ratio.numerator);
    const bottom = median.get(ratio.denominator);
    return top === undefined || bottom === undefined || bottom === 0 ? [] : [{ ...ratio, value: top / bottom }];
  });
}

function round(value: number): string {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toFixed(digits);
}

const cell = (text: string) => text.replaceAll('|', '\\|');

export function toMarkdown(report: BenchReport): string {
  const { machine } = report;
  const lines = [
    '# Benchmark results',
    '',
    `${report.date} · ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB · ${machine.os} · Node ${machine.node} · Chromium ${machine.chromium}`,
    '',
    '| figure | id | median | min | max | runs | unit |',
    '| --- | --- | ---: | ---: | ---: | ---: | --- |',
    ...report.figures.map(
      (f) => `| ${cell(f.label)} | \`${f.id}\` | ${round(f.median)} | ${round(f.min)} | ${round(f.max)} | ${f.runs} | ${f.unit}${f.better === 'higher' ? ' ↑' : ' ↓'} |`,
    ),
  ];
  if (report.ratios.length > 0) {
    lines.push('', '| ratio (medians) | value |', '| --- | ---: |', ...report.ratios.map((r) => `| ${cell(r.label)} | ${(r.value * 100).toFixed(0)} % |`));
  }
  const notes = report.figures.filter((f) => f.note !== undefined);
  if (notes.length > 0) lines.push('', 'Notes:', '', ...notes.map((f) => `- \`${f.id}\`: ${f.note}`));
  if (report.failures.length > 0) lines.push('', 'Failed cases:', '', ...report.failures.map((f) => `- ${f.case}: ${f.error}`));
  return `${lines.join('\n')}\n`;
}
