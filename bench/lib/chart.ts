/**
 * The results as a picture: one horizontal bar per rate figure (unit ending in
 * "/s": MB/s, files/s, …) at its median, with a whisker from min to max; one
 * panel per unit, each on its own scale from zero. Hand-written SVG, so the
 * README can show it without a charting dependency.
 */
import type { BenchReport, Figure } from './report.js';

const WIDTH = 820;
const VALUE_WIDTH = 110;
const PLOT_X = 16;
const PLOT_WIDTH = WIDTH - PLOT_X - VALUE_WIDTH;
/** Each row: its label on one line, the bar under it (labels are long: they say what was measured). */
const ROW = 38;
const LABEL_LINE = 14;
const BAR = 14;
const PANEL_HEAD = 28;
const AXIS = 22;
const GAP = 18;
const TITLE = 44;

/** Fill by what a figure is: the bare-page ceiling, the app, or a peer. */
export function roleOf(id: string): 'ceiling' | 'app' | 'other' {
  const last = id.split('.').at(-1) ?? '';
  if (last === 'ceiling') return 'ceiling';
  if (last === 'app' || id.startsWith('app.') || id.includes('.app.')) return 'app';
  return 'other';
}

const FILL = { ceiling: '#8a94a6', app: '#2f5fd0', other: '#c77800' } as const;

export function isRateFigure(figure: Figure): boolean {
  return figure.unit.endsWith('/s');
}

/** Round numbers for the axis: the smallest 1, 2 or 5 × 10^n step giving at most `maxTicks` steps up to `max`. */
export function axisTicks(max: number, maxTicks = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const rough = max / maxTicks;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= rough) ?? 10 * power;
  const ticks = [0];
  while (ticks.at(-1)! < max) ticks.push(Number((ticks.length * step).toPrecision(12)));
  return ticks;
}

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

function formatTick(value: number): string {
  return value.toLocaleString('en', { maximumFractionDigits: 2 });
}

function formatValue(value: number): string {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

const px = (value: number) => Number(value.toFixed(1));

function panel(unit: string, figures: readonly Figure[], top: number): { svg: string[]; height: number } {
  const ticks = axisTicks(Math.max(...figures.map((figure) => figure.max)));
  const scaleMax = ticks.at(-1)!;
  const x = (value: number) => px(PLOT_X + (Math.max(0, value) / scaleMax) * PLOT_WIDTH);
  const rowsTop = top + PANEL_HEAD;
  const axisY = rowsTop + figures.length * ROW;
  const svg = [
    `<g class="panel" data-unit="${escapeXml(unit)}">`,
    `<text x="${PLOT_X}" y="${top + 18}" class="head">${escapeXml(unit)}: median, whisker min–max</text>`,
    ...ticks.map(
      (tick) =>
        `<line x1="${x(tick)}" y1="${rowsTop}" x2="${x(tick)}" y2="${axisY}" class="grid"/>` +
        `<text x="${x(tick)}" y="${axisY + 15}" class="tick" text-anchor="middle">${formatTick(tick)}</text>`,
    ),
  ];
  figures.forEach((figure, index) => {
    const rowY = rowsTop + index * ROW;
    const barY = px(rowY + LABEL_LINE + 4);
    const midY = px(barY + BAR / 2);
    const label = `${figure.label} (${figure.runs} ${figure.runs === 1 ? 'run' : 'runs'})`;
    svg.push(
      `<g class="figure" data-id="${escapeXml(figure.id)}" data-median="${figure.median}" data-min="${figure.min}" data-max="${figure.max}">`,
      `<title>${escapeXml(`${figure.label}: median ${formatValue(figure.median)} ${figure.unit}, min ${formatValue(figure.min)}, max ${formatValue(figure.max)}`)}</title>`,
      `<text x="${PLOT_X}" y="${rowY + LABEL_LINE}" class="label">${escapeXml(label)}</text>`,
      `<rect class="bar" x="${PLOT_X}" y="${barY}" width="${px(x(figure.median) - PLOT_X)}" height="${BAR}" fill="${FILL[roleOf(figure.id)]}"/>`,
      `<line class="whisker" x1="${x(figure.min)}" y1="${midY}" x2="${x(figure.max)}" y2="${midY}"/>`,
      `<line class="cap" x1="${x(figure.min)}" y1="${midY - 5}" x2="${x(figure.min)}" y2="${midY + 5}"/>`,
      `<line class="cap" x1="${x(figure.max)}" y1="${midY - 5}" x2="${x(figure.max)}" y2="${midY + 5}"/>`,
      `<text x="${x(scaleMax) + 8}" y="${midY + 4}" class="value">${formatValue(figure.median)} ${escapeXml(figure.unit)}</text>`,
      `</g>`,
    );
  });
  svg.push(`</g>`);
  return { svg, height: PANEL_HEAD + figures.length * ROW + AXIS };
}

/** An SVG of the report's rate figures; a short note instead of bars when there are none. */
export function toSvgChart(report: BenchReport): string {
  const byUnit = new Map<string, Figure[]>();
  for (const figure of report.figures.filter(isRateFigure)) byUnit.set(figure.unit, [...(byUnit.get(figure.unit) ?? []), figure]);
  const body: string[] = [];
  let y = TITLE;
  for (const [unit, figures] of byUnit) {
    const drawn = panel(unit, figures, y);
    body.push(...drawn.svg);
    y += drawn.height + GAP;
  }
  if (byUnit.size === 0) {
    body.push(`<text x="16" y="${y + 14}" class="label">No throughput figures in this run.</text>`);
    y += 30;
  }
  const { machine } = report;
  const subtitle = `${report.date.slice(0, 10)} · ${machine.cpuModel}, ${machine.cores} cores · Chromium ${machine.chromium} · ${report.options.runs} runs per figure`;
  const height = y;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="chart-title">`,
    `<title id="chart-title">npm run bench: throughput per case</title>`,
    '<style>',
    'text{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;font-size:12px;fill:#1d2433}',
    '.title{font-size:15px;font-weight:600}.sub,.tick{fill:#4a5263;font-size:11px}.head{font-weight:600}',
    '.grid{stroke:#e3e6ec}.whisker,.cap{stroke:#1d2433;stroke-width:1.5}',
    '</style>',
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="16" y="20" class="title">Throughput per case (npm run bench)</text>`,
    `<text x="16" y="36" class="sub">${escapeXml(subtitle)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
