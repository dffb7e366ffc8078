/**
 * One tiny cell per part. A 10,000-part file re-renders every frame while it
 * uploads, so cells are grouped in tiles of 100: a tile re-renders only when
 * one of its PartProgress objects changed (the engine reuses unchanged ones),
 * each cell is memoized on its own object, and each tile is its own paint
 * layer, so the browser repaints the one or two tiles in flight instead of
 * 10,000 cells. Fills are a CSS variable; nothing reads layout.
 */
import { memo, useMemo, type CSSProperties } from 'react';
import type { PartProgress, PartState } from '../../engine/types.js';
import { formatBytes } from './format.js';
import { sameTileParts } from './part-tiles.js';

const STATE_LABELS: Record<PartState, string> = {
  queued: 'Queued',
  signing: 'Signing',
  uploading: 'Uploading',
  retrying: 'Retrying',
  done: 'Stored',
  failed: 'Failed',
};
const TILE = 100;
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
        {Array.from({ length: Math.ceil(partCount / TILE) }, (_, tile) => (
          <PartTile key={tile} parts={parts} start={tile * TILE} partCount={partCount} />
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

interface PartTileProps {
  parts: readonly PartProgress[];
  start: number;
  partCount: number;
}

const PartTile = memo(
  function PartTile({ parts, start, partCount }: PartTileProps) {
    return (
      <div className="part-tile">
        {parts.slice(start, start + TILE).map((part) => (
          <PartCell key={part.partNumber} part={part} partCount={partCount} />
        ))}
      </div>
    );
  },
  (before, after) =>
    before.start === after.start && before.partCount === after.partCount && sameTileParts(before.parts, after.parts, after.start, TILE),
);

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
