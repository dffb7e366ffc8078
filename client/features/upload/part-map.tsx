/**
 * One tiny cell per part, and a legend counting parts per state. The cells are
 * not React elements: PartCells draws them into the grid and touches only the
 * cells whose part changed, so a 10,000-part file costs React one prop
 * comparison per update, not 10,000 reconciliations, and mounting it is spread
 * over frames instead of one long task.
 */
import { memo, useLayoutEffect, useMemo, useRef } from 'react';
import type { PartProgress } from '../../engine/types.js';
import { formatCount } from './format.js';
import { legendOf } from './part-legend.js';
import { PartCells } from './part-cells.js';

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
  const grid = useRef<HTMLDivElement>(null);
  const cells = useRef<PartCells | null>(null);
  useLayoutEffect(() => {
    const drawn = new PartCells(grid.current!);
    cells.current = drawn;
    return () => {
      drawn.dispose();
      cells.current = null;
    };
  }, []);
  useLayoutEffect(() => {
    cells.current?.show(parts);
  }, [parts]);
  return (
    <div className="part-map">
      <div ref={grid} className="part-map-grid" data-density={density} role="group" aria-label={`Parts of ${fileName}`} />
      <ul className="part-map-legend" aria-label="Part states">
        {legend.map(({ key, swatch, label, count }) => (
          <li key={key}>
            <span className="part-swatch" data-state={swatch} aria-hidden="true" />
            {label} <span className="part-count">{formatCount(count)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
});
