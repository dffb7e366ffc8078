/**
 * Top self-time functions of a V8 CPU profile (Chromium's Profiler.stop over
 * CDP, or Node's --cpu-prof file), the evidence to attach when a figure points
 * at slow product code.
 */

/** The parts of V8's Profiler.Profile this summary reads. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; hitCount?: number }[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface SelfTimeRow {
  /** "name (file:line)": a package's file from its package name on, any other file by its last two path segments. */
  frame: string;
  selfMs: number;
  percent: number;
}

function frameName({ functionName, url, lineNumber }: CpuProfile['nodes'][number]['callFrame']): string {
  const inPackage = url.lastIndexOf('node_modules/');
  const file = url === '' ? '' : inPackage >= 0 ? url.slice(inPackage + 'node_modules/'.length) : url.split('/').slice(-2).join('/');
  return `${functionName || '(anonymous)'}${file ? ` (${file}:${lineNumber + 1})` : ''}`;
}

export function topSelfTime(profile: CpuProfile, count = 15): SelfTimeRow[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<string, number>();
  const add = (id: number, us: number) => {
    const node = byId.get(id);
    if (node === undefined) return;
    const name = frameName(node.callFrame);
    selfUs.set(name, (selfUs.get(name) ?? 0) + us);
  };
  if (profile.samples !== undefined && profile.timeDeltas !== undefined) {
    // Each sample's time is the delta to the next one.
    profile.samples.forEach((id, index) => add(id, profile.timeDeltas?.[index + 1] ?? 0));
  } else {
    const total = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
    const usPerHit = total === 0 ? 0 : (profile.endTime - profile.startTime) / total;
    for (const node of profile.nodes) add(node.id, (node.hitCount ?? 0) * usPerHit);
  }
  const totalUs = [...selfUs.values()].reduce((sum, us) => sum + us, 0);
  return [...selfUs]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([frame, us]) => ({ frame, selfMs: us / 1000, percent: totalUs === 0 ? 0 : (us / totalUs) * 100 }));
}

export function formatSelfTime(rows: readonly SelfTimeRow[]): string {
  return rows.map((row) => `${row.selfMs.toFixed(0).padStart(7)} ms ${row.percent.toFixed(1).padStart(5)} %  ${row.frame}`).join('\n');
}
