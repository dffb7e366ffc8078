/**
 * Refuses a file before any request when the server's config already says it
 * would be refused, so the person reads why at once instead of after a round trip.
 */
import type { ClientConfig } from '../../../shared/api.js';
import { formatBytes } from './format.js';

export type FileLimits = Pick<ClientConfig, 'maxFileSize' | 'allowedContentTypes'>;

/** Returns a sentence saying why the file cannot be uploaded, or null when it may be. */
export function checkFile(file: { name: string; size: number; type: string }, limits: FileLimits): string | null {
  if (file.size > limits.maxFileSize) {
    return `This file is ${formatBytes(file.size)}, larger than the ${formatBytes(limits.maxFileSize)} this server accepts.`;
  }
  if (!isContentTypeAllowed(file.type, limits.allowedContentTypes)) {
    const kind = file.type === '' ? 'files of unknown type' : `${file.type} files`;
    return `This server does not accept ${kind}. Allowed: ${limits.allowedContentTypes.join(', ')}.`;
  }
  return null;
}

/**
 * An empty list allows everything; entries may be exact ("image/png"),
 * a family ("image/*") or "*\/*". Parameters such as "; charset=utf-8" are ignored.
 */
export function isContentTypeAllowed(contentType: string, allowed: readonly string[]): boolean {
  if (allowed.length === 0) return true;
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return allowed.some((entry) => {
    const pattern = entry.trim().toLowerCase();
    if (pattern === '*/*' || pattern === '*') return true;
    if (pattern.endsWith('/*')) return type.startsWith(pattern.slice(0, -1));
    return type === pattern;
  });
}
