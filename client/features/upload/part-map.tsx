/**
 * One tiny cell per part. A 10,000-part file re-renders every frame while it
 * uploads, so cells are grouped in tiles of 100: a tile re-renders only when
 * one of its PartProgress objects changed (the engine reuses unchanged ones),
 * each cell is memoized on its own object, and each tile is its own paint
 * layer, so the browser repaints the one or two tiles in flight instead of
 * 10,000 cells. Fills are a CSS variable; nothing reads layout.
 */
import { memo, useMemo, type CSSProperties } from 'react';
import type { PartProgress } from '../../engine/types.js';
import { formatBytes } from './format.js';
import { legendOf, PART_STATE_LABELS } from './part-legend.js';
import { sameTileParts } from './part-tiles.js';

const TILE = 100;

interface PartMapProps {
  fileName: string;
  parts: readonly PartProgress[];
  /** Nothing runs any more (paused, failed, cancelled): parts that were in flight are counted as interrupted. */
  stopped: boolean;
}

export const PartMap = memo(function PartMap({ fileName, parts, stopped }: PartMapProps) {
  const partCount = parts.length;
  const density = partCount <= 300 ? 'large' : partCount <= 2500 ? 'medium' : 'small';
  const legend = useMemo(() => legendOf(parts, stopped), [parts, stopped]);
  return (
    <div className="part-map">
      <div className="part-map-grid" data-density={density} role="group" aria-label={`Parts of ${fileName}`}>
        {Array.from({ length: Math.ceil(partCount / TILE) }, (_, tile) => (
          <PartTile key={tile} parts={parts} start={tile * TILE} partCount={partCount} />
        ))}
      </div>
      <ul className="part-map-legend" aria-label="Part states">
        {legend.map(({ key, swatch, label, count }) => (
          <li key={key}>
            <span className="part-swatch" data-state={swatch} aria-hidden="true" />
            {label} <span className="part-count">{count.toLocaleString('en')}</span>
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
      aria-valuetext={`${PART_STATE_LABELS[part.state]}, ${formatBytes(part.sentBytes)} of ${formatBytes(part.size)}`}
      title={`Part ${part.partNumber}: ${PART_STATE_LABELS[part.state].toLowerCase()}, ${formatBytes(part.sentBytes)} of ${formatBytes(part.size)}`}
      style={{ '--fill': fill } as CSSProperties}
    />
  );
});
