/**
 * The part map's cells, drawn without React: one element per part, grouped in
 * tiles of 100. A 10,000-part map is created in slices across animation
 * frames, so mounting it never blocks the page; afterwards only the cells
 * whose part changed are touched (the engine replaces a part's object when it
 * changes, so identity says what to redraw), and only their attributes: a
 * fill is a CSS variable, nothing reads or changes layout.
 *
 * Each cell is a real progressbar ("Part N of M", value in bytes, state in
 * words), so assistive technology and tests read per-part progress from the
 * DOM exactly as they would from React-rendered cells.
 */
import type { PartProgress } from '../../engine/types.js';
import { animationFrameScheduler, type FrameScheduler } from './frame-batcher.js';
import { formatBytes } from './format.js';
import { PART_STATE_LABELS } from './part-legend.js';

export const TILE_SIZE = 100;
/** Cells created per frame at most; their style and layout follow in the same task. */
export const CELLS_PER_SLICE = 400;
/** Script time a frame's slice may take: with the style and layout it causes, far below a 50 ms task even on a slow, busy machine. */
export const SLICE_BUDGET_MS = 4;

/** The attributes of a part's cell that change with its progress. */
export function cellAttributes(part: PartProgress): Record<string, string> {
  const state = PART_STATE_LABELS[part.state];
  const sent = `${formatBytes(part.sentBytes)} of ${formatBytes(part.size)}`;
  return {
    'data-state': part.state,
    'aria-valuemax': String(part.size),
    'aria-valuenow': String(part.sentBytes),
    'aria-valuetext': `${state}, ${sent}`,
    title: `Part ${part.partNumber}: ${state.toLowerCase()}, ${sent}`,
  };
}

/** How full a cell is drawn, 0..1. */
export function cellFill(part: PartProgress): number {
  return part.size > 0 ? part.sentBytes / part.size : part.state === 'done' ? 1 : 0;
}

/** Indexes below `limit` whose part is not the object last drawn there. */
export function changedIndexes(drawn: readonly (PartProgress | undefined)[], parts: readonly PartProgress[], limit: number): number[] {
  const changed: number[] = [];
  const end = Math.min(limit, parts.length);
  for (let index = 0; index < end; index += 1) if (drawn[index] !== parts[index]) changed.push(index);
  return changed;
}

export class PartCells {
  readonly #grid: HTMLElement;
  readonly #scheduler: FrameScheduler;
  #cells: HTMLElement[] = [];
  #drawn: (PartProgress | undefined)[] = [];
  /** Each cell's --fill as last set: reading it back from the style cost the page more than the drawing. */
  #fills: string[] = [];
  #parts: readonly PartProgress[] = [];
  #slice: number | null = null;

  constructor(grid: HTMLElement, scheduler: FrameScheduler = animationFrameScheduler) {
    this.#grid = grid;
    this.#scheduler = scheduler;
  }

  /** Draws these parts: the first slice of cells now, the rest over the next frames. */
  show(parts: readonly PartProgress[]): void {
    if (parts.length !== this.#parts.length && this.#cells.length > 0) this.#clear();
    this.#parts = parts;
    for (const index of changedIndexes(this.#drawn, parts, this.#cells.length)) this.#draw(index);
    if (this.#cells.length < parts.length && this.#slice === null) this.#createSlice();
  }

  dispose(): void {
    this.#clear();
  }

  #clear(): void {
    if (this.#slice !== null) this.#scheduler.cancel(this.#slice);
    this.#slice = null;
    this.#grid.replaceChildren();
    this.#cells = [];
    this.#drawn = [];
    this.#fills = [];
  }

  #createSlice(): void {
    this.#slice = null;
    const partCount = this.#parts.length;
    const end = Math.min(partCount, this.#cells.length + CELLS_PER_SLICE);
    const deadline = performance.now() + SLICE_BUDGET_MS;
    const tiles = document.createDocumentFragment();
    let tile = this.#grid.lastElementChild as HTMLElement | null;
    // Whole tiles only, so a slice never leaves a tile half built for the next one to find.
    for (let index = this.#cells.length; index < end && (index % TILE_SIZE !== 0 || performance.now() < deadline); index += 1) {
      if (index % TILE_SIZE === 0) {
        tile = document.createElement('div');
        tile.className = 'part-tile';
        tiles.append(tile);
      }
      const cell = document.createElement('div');
      cell.className = 'part-cell';
      cell.setAttribute('role', 'progressbar');
      cell.setAttribute('aria-label', `Part ${index + 1} of ${partCount}`);
      cell.setAttribute('aria-valuemin', '0');
      tile?.append(cell);
      this.#cells.push(cell);
      this.#draw(index);
    }
    this.#grid.append(tiles);
    if (this.#cells.length < partCount) this.#slice = this.#scheduler.request(() => this.#createSlice());
  }

  #draw(index: number): void {
    const part = this.#parts[index];
    const cell = this.#cells[index];
    if (!part || !cell) return;
    const before = this.#drawn[index];
    const attributes = cellAttributes(part);
    const previous = before ? cellAttributes(before) : undefined;
    for (const name in attributes) {
      const value = attributes[name]!;
      if (previous?.[name] !== value) cell.setAttribute(name, value);
    }
    // Only cells in flight draw a partial fill (see upload.css); the rest need no variable.
    const fill = part.state === 'uploading' || part.state === 'retrying' ? String(cellFill(part)) : '';
    if ((this.#fills[index] ?? '') !== fill) {
      cell.style.setProperty('--fill', fill);
      this.#fills[index] = fill;
    }
    this.#drawn[index] = part;
  }
}
