/**
 * The part map's legend: how many parts are in each state. Once a card has
 * stopped (paused, failed, cancelled) nothing is in flight any more, so parts
 * the engine last reported as moving are counted as interrupted.
 */
import type { PartProgress, PartState } from '../../engine/types.js';

export const PART_STATE_LABELS: Record<PartState, string> = {
  queued: 'Queued',
  signing: 'Signing',
  uploading: 'Uploading',
  retrying: 'Retrying',
  done: 'Stored',
  failed: 'Failed',
};

const STATE_ORDER: readonly PartState[] = ['done', 'uploading', 'signing', 'retrying', 'queued', 'failed'];

export interface LegendEntry {
  key: string;
  /** Which state's color the swatch shows. */
  swatch: PartState;
  label: string;
  count: number;
}

export function legendOf(parts: readonly PartProgress[], stopped: boolean): LegendEntry[] {
  const counts = countStates(parts);
  const entries: LegendEntry[] = [];
  const interrupted = stopped ? counts.uploading + counts.signing + counts.retrying : 0;
  for (const state of STATE_ORDER) {
    if (stopped && (state === 'uploading' || state === 'signing' || state === 'retrying')) continue;
    entries.push({ key: state, swatch: state, label: PART_STATE_LABELS[state], count: counts[state] });
  }
  entries.push({ key: 'interrupted', swatch: 'queued', label: 'Interrupted', count: interrupted });
  return entries.filter((entry) => entry.count > 0);
}

function countStates(parts: readonly PartProgress[]): Record<PartState, number> {
  const counts: Record<PartState, number> = { queued: 0, signing: 0, uploading: 0, retrying: 0, done: 0, failed: 0 };
  for (const part of parts) counts[part.state] += 1;
  return counts;
}
