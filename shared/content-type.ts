/**
 * The content-type allow-list rule, one copy for both sides: the server
 * enforces it on create, the browser applies it before any request so the
 * person reads why at once. A file with no type counts as octet-stream on both.
 */

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** The media type without parameters, lower-case; an absent or empty type is octet-stream. */
export function mediaTypeOf(contentType: string | undefined): string {
  const base = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return base === '' ? DEFAULT_CONTENT_TYPE : base;
}

/**
 * An empty list allows everything; entries are lower-case `type/subtype` or
 * `type/*` (the server's config checks that). Parameters such as
 * "; charset=utf-8" are ignored.
 */
export function isContentTypeAllowed(contentType: string | undefined, allowed: readonly string[]): boolean {
  if (allowed.length === 0) return true;
  const type = mediaTypeOf(contentType);
  return allowed.some((entry) => (entry.endsWith('/*') ? type.startsWith(entry.slice(0, -1)) : type === entry));
}
