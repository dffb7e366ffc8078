/** Reading a byte range of an object stored as ordered segment files. */
import { createReadStream } from 'node:fs';

export interface SegmentFile {
  path: string;
  size: number;
}

/** Part of one segment file; `end` is inclusive. */
export interface SegmentSlice {
  path: string;
  start: number;
  end: number;
}

/** The slices of `segments` covering object bytes start..end (inclusive), in order; empty segments are skipped. */
export function sliceSegments(segments: readonly SegmentFile[], start: number, end: number): SegmentSlice[] {
  const slices: SegmentSlice[] = [];
  let offset = 0;
  for (const segment of segments) {
    const first = offset;
    const last = offset + segment.size - 1;
    offset += segment.size;
    if (segment.size === 0 || last < start) continue;
    if (first > end) break;
    slices.push({ path: segment.path, start: Math.max(start, first) - first, end: Math.min(end, last) - first });
  }
  return slices;
}

/**
 * The slices' bytes, one file open at a time. As the source of `pipeline(…, res)` it
 * reads only as fast as the response drains; stopping early closes the open file.
 */
export async function* readSlices(slices: readonly SegmentSlice[], highWaterMark = 1024 * 1024): AsyncGenerator<Buffer> {
  for (const slice of slices) {
    for await (const chunk of createReadStream(slice.path, { start: slice.start, end: slice.end, highWaterMark })) {
      yield chunk as Buffer;
    }
  }
}
