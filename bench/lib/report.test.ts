import { describe, expect, it } from 'vitest';
import { computeRatios, toFigure, toMarkdown } from './report.js';
import type { BenchReport } from './report.js';
import type { Measurement } from './types.js';

const measurement = (id: string, samples: number[]): Measurement => ({ id, label: id, unit: 'MB/s', samples, better: 'higher' });

describe('report', () => {
  it('computes ratios from medians and leaves out those with a missing figure', () => {
    const figures = [measurement('throughput.ceiling', [100, 400, 200]), measurement('throughput.app', [90, 180, 150]), measurement('throughput.peer', [300, 300, 300])].map(toFigure);
    const ratios = computeRatios(figures);
    expect(ratios.map((r) => [r.id, r.value])).toEqual([
      ['app/ceiling', 150 / 200],
      ['app/peer', 150 / 300],
    ]);
  });

  it('computes the Ceph RGW ratios from the rgw figures only', () => {
    const figures = [
      measurement('throughput.ceiling', [200, 200, 200]),
      measurement('throughput.rgw.ceiling', [100, 100, 100]),
      measurement('throughput.rgw.app', [60, 80, 70]),
      measurement('throughput.rgw.peer', [140, 140, 140]),
    ].map(toFigure);
    expect(computeRatios(figures).map((r) => [r.id, r.value])).toEqual([
      ['rgw.app/rgw.ceiling', 70 / 100],
      ['rgw.app/rgw.peer', 70 / 140],
    ]);
  });

  it('writes one table row per figure with median, min, max and runs, and the ratios as percent', () => {
    const figures = [measurement('slow.ceiling', [20, 24, 22]), measurement('slow.app', [11, 12, 10])].map(toFigure);
    const report: BenchReport = {
      date: '2026-01-01T00:00:00.000Z',
      machine: { cpuModel: 'CPU', cores: 2, memoryGiB: 8, os: 'OS', node: 'v20', chromium: '1.0' },
      options: { runs: 3, fileSize: 1, slowFileSize: 1, only: [] },
      figures,
      ratios: computeRatios(figures),
      failures: [{ case: 'memory', error: 'Error: boom' }],
    };
    const markdown = toMarkdown(report);
    expect(markdown).toContain('| slow.ceiling | `slow.ceiling` | 22.0 | 20.0 | 24.0 | 3 | MB/s ↑ |');
    expect(markdown).toContain('| App ÷ ceiling, slow link | 50 % |');
    expect(markdown).toContain('- memory: Error: boom');
  });
});
