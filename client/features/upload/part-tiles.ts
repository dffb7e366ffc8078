/**
 * True when a tile's parts are the very same objects in both snapshots. The
 * engine shares unchanged PartProgress objects between snapshots, so identity
 * says "nothing to redraw" without comparing fields.
 */
export function sameTileParts(before: readonly unknown[], after: readonly unknown[], start: number, tileSize: number): boolean {
  if (before === after) return true;
  const end = Math.min(start + tileSize, after.length);
  if (Math.min(start + tileSize, before.length) !== end) return false;
  for (let i = start; i < end; i += 1) {
    if (before[i] !== after[i]) return false;
  }
  return true;
}
