/**
 * One tiny cell per part. A 10,000-part file re-renders every frame while it
 * uploads, so each cell is memoized on its PartProgress object (the engine
 * reuses unchanged ones) and paints its fill with a CSS variable: only the
 * handful of cells whose part moved are touched, and nothing reads layout.
 */
import { memo, useMemo, type CSSProperties } from 'react';
import type { PartProgress, PartState } from '../../engine/types.js';
import { formatBytes } from './format.js';

const STATE_LABELS: Record<PartState, string> = {
  queued: 'Queued',
  signing: 'Signing',
  uploading: 'Uploading',
  retrying: 'Retrying',
  done: 'Stored',
  failed: 'Failed',
};
const STATE_ORDER: readonly PartState[] = ['done', 'uploading', 'signing', 'retrying', 'queued', 'failed'];

interface PartMapProps {
  fileName: string;
  parts: readonly PartProgress[];
}

export const PartMap = memo(function PartMap({ fileName, parts }: PartMapProps) {
  const partCount = parts.length;
  const density = partCount <= 300 ? 'large' : partCount <= 2500 ? 'medium' : 'small';
  const counts = useMemo(() => countStates(parts), [parts]);
  return (
    <div className="part-map">
      <div className="part-map-grid" data-density={density} role="group" aria-label={`Parts of ${fileName}`}>
        {parts.map((part) => (
          <PartCell key={part.partNumber} part={part} partCount={partCount} />
        ))}
      </div>
      <ul className="part-map-legend" aria-label="Part states">
        {STATE_ORDER.filter((state) => counts[state] > 0).map((state) => (
          <li key={state}>
            <span className="part-swatch" data-state={state} aria-hidden="true" />
            {STATE_LABELS[state]} <span className="part-count">{counts[state].toLocaleString('en')}</span>
          </li>
        ))}
      </ul>
    </div>
  );
});

const PartCell = memo(function PartCell({ part, partCount }: { part: PartProgress; partCount: number }) {
  const fill = part.size > 0 ? part.sentBytes / part.size : part.state === 'done' ? 1 : 0;
  return (
    <div
      className="part-cell"
      role="progressbar"
      data-state={part.state}
      aria-label={`Part ${part.partNumber} of ${partCount}`}
      aria-valuemin={0}
      aria-valuemax={part.size}
      aria-valuenow={part.sentBytes}
      aria-valuetext={`${STATE_LABELS[part.state]}, ${formatBytes(part.sentBytes)} of ${formatBytes(part.size)}`}
      title={`Part ${part.partNumber}: ${STATE_LABELS[part.state].toLowerCase()}, ${formatBytes(part.sentBytes)} of ${formatBytes(part.size)}`}
      style={{ '--fill': fill } as CSSProperties}
    />
  );
});

function countStates(parts: readonly PartProgress[]): Record<PartState, number> {
  const counts: Record<PartState, number> = { queued: 0, signing: 0, uploading: 0, retrying: 0, done: 0, failed: 0 };
  for (const part of parts) counts[part.state] += 1;
  return counts;
}
