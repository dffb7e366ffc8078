import { describe, expect, it } from 'vitest';
import { axisTicks, roleOf, toSvgChart } from './chart.js';
import { toFigure } from './report.js';
import type { BenchReport } from './report.js';
import type { Measurement } from './types.js';

const measurement = (id: string, unit: string, samples: number[], label = id): Measurement => ({ id, label, unit, samples, better: 'higher' });

function reportOf(measurements: Measurement[]): BenchReport {
  return {
    date: '2026-01-02T03:04:05.000Z',
    machine: { cpuModel: 'Test CPU', cores: 2, memoryGiB: 8, os: 'OS', node: 'v20', chromium: '156.0' },
    options: { runs: 3, fileSize: 1, slowFileSize: 1, only: [] },
    figures: measurements.map(toFigure),
    ratios: [],
    failures: [],
  };
}

interface DrawnFigure {
  id: string;
  barX: number;
  barWidth: number;
  whiskerFrom: number;
  whiskerTo: number;
  fill: string;
}

/** Reads back what the chart drew for each figure: its bar and its whisker. */
function drawnFigures(svg: string): DrawnFigure[] {
  const groups = [...svg.matchAll(/<g class="figure" data-id="([^"]+)"[^>]*>([\s\S]*?)<\/g>/g)];
  return groups.map(([, id, body]) => {
    const bar = /<rect class="bar" x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="[\d.]+" fill="([^"]+)"\/>/.exec(body!);
    const whisker = /<line class="whisker" x1="([\d.]+)" y1="[\d.]+" x2="([\d.]+)"/.exec(body!);
    if (!bar || !whisker) throw new Error(`figure ${id} has no bar or whisker`);
    return { id: id!, barX: Number(bar[1]), barWidth: Number(bar[2]), whiskerFrom: Number(whisker[1]), whiskerTo: Number(whisker[2]), fill: bar[3]! };
  });
}

describe('bench chart', () => {
  it('draws one bar per rate figure at its median, with a whisker from min to max, on one scale per unit', () => {
    const svg = toSvgChart(
      reportOf([
        measurement('throughput.ceiling', 'MB/s', [160, 200, 180]),
        measurement('throughput.app', 'MB/s', [90, 150, 100]),
        measurement('memory.1gib', 'MB', [3, 3, 3]),
        measurement('small.app', 'files/s', [40, 50, 45]),
      ]),
    );
    const figures = drawnFigures(svg);
    expect(figures.map((figure) => figure.id)).toEqual(['throughput.ceiling', 'throughput.app', 'small.app']);

    const [ceiling, app, files] = figures as [DrawnFigure, DrawnFigure, DrawnFigure];
    // MB/s panel: the axis runs to 200, so 180 is 0.9 of the plot and 100 half of it.
    const plotWidth = ceiling.barWidth / 0.9;
    expect(app.barWidth / plotWidth).toBeCloseTo(0.5, 2);
    expect(app.barX).toBe(ceiling.barX);
    expect((app.whiskerFrom - app.barX) / plotWidth).toBeCloseTo(0.45, 2);
    expect((app.whiskerTo - app.barX) / plotWidth).toBeCloseTo(0.75, 2);
    expect((ceiling.whiskerTo - ceiling.barX) / plotWidth).toBeCloseTo(1, 2);
    // files/s has its own scale: 0..50, so the median 45 is 0.9 of the plot.
    expect(files.barWidth / plotWidth).toBeCloseTo(0.9, 2);

    expect(ceiling.fill).not.toBe(app.fill);
    expect(svg).toMatch(/<g class="panel" data-unit="MB\/s">/);
    expect(svg).toMatch(/<g class="panel" data-unit="files\/s">/);
    expect(svg).toContain('>100 MB/s<'); // the app's median, printed beside its bar
  });

  it('prints the median beside each bar and escapes labels', () => {
    const svg = toSvgChart(reportOf([measurement('peer.uppy', 'MB/s', [171, 171, 171], 'Uppy <5> & "S3"')]));
    expect(svg).toContain('Uppy &lt;5&gt; &amp; &quot;S3&quot; (3 runs)');
    expect(svg).toContain('>171 MB/s<');
    expect(svg).not.toContain('<5>');
  });

  it('says so when the run has no rate figures', () => {
    const svg = toSvgChart(reportOf([measurement('cancel.requests-closed', 'ms', [80, 90, 100])]));
    expect(drawnFigures(svg)).toEqual([]);
    expect(svg).toContain('No throughput figures in this run.');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  });

  it('picks round axis steps that cover the largest value', () => {
    expect(axisTicks(199)).toEqual([0, 50, 100, 150, 200]);
    expect(axisTicks(24.6)).toEqual([0, 5, 10, 15, 20, 25]);
    expect(axisTicks(9466)).toEqual([0, 2000, 4000, 6000, 8000, 10000]);
    expect(axisTicks(0)).toEqual([0, 1]);
  });

  it('colours the ceiling, the app and peers apart', () => {
    expect(roleOf('throughput.rgw.ceiling')).toBe('ceiling');
    expect(roleOf('slow.app')).toBe('app');
    expect(roleOf('throughput.peer')).toBe('other');
  });
});
