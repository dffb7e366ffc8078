/** Content-type allow-listing with `image/*` wildcards. */

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** The media type without parameters, lower-case; an absent or empty type is octet-stream. */
export function mediaTypeOf(contentType: string | undefined): string {
  const base = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return base === '' ? DEFAULT_CONTENT_TYPE : base;
}

/** An empty allow-list allows everything. */
export function isContentTypeAllowed(contentType: string | undefined, allowed: readonly string[]): boolean {
  if (allowed.length === 0) return true;
  const type = mediaTypeOf(contentType);
  return allowed.some((entry) => (entry.endsWith('/*') ? type.startsWith(entry.slice(0, -1)) : type === entry));
}
