/** HTTP Range for GetObject: one `bytes=` range; anything unparsable is ignored (whole object), as S3 does. */
import { s3Errors } from './s3-error.js';

export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

/** The range to serve, undefined for the whole object; throws InvalidRange (416) when unsatisfiable. */
export function parseByteRange(header: string | undefined, size: number): ByteRange | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return undefined;
  const [, first = '', last = ''] = m;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) throw s3Errors.invalidRange(size);
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  // "bytes=5-3" is ignored; "bytes=<size>-" is unsatisfiable (416), as S3 answers.
  if (last !== '' && Number(last) < start) return undefined;
  if (start >= size) throw s3Errors.invalidRange(size);
  return { start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}
