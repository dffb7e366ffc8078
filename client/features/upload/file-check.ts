/**
 * Refuses a file before any request when the server's config already says it
 * would be refused, so the person reads why at once instead of after a round trip.
 */
import type { ClientConfig } from '../../../shared/api.js';
import { isContentTypeAllowed } from '../../../shared/content-type.js';
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
