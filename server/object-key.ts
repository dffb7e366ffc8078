/** Object keys are chosen by the server: `<prefix><uuid>/<sanitized file name>`. */
import { randomUUID } from 'node:crypto';

export const MAX_FILE_NAME_LENGTH = 200;
const FALLBACK_NAME = 'file';

/**
 * Makes a user-supplied file name safe as the last key segment and as a
 * download name: strips path components and control/format characters,
 * normalizes to NFC, keeps unicode letters, marks, digits, space and `.-_()!`,
 * collapses every other run to `_`, caps the length (keeping the extension),
 * and never returns an empty name, `.` or `..`.
 */
export function sanitizeFileName(fileName: string, maxLength = MAX_FILE_NAME_LENGTH): string {
  const normalized = fileName.normalize('NFC');
  const lastSegment = normalized.split(/[/\\]/).pop() ?? '';
  const withoutControls = lastSegment.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '');
  const collapsed = withoutControls
    .replace(/[^\p{L}\p{M}\p{N} ._\-()!]+/gu, '_')
    .replace(/\s+/g, ' ')
    .trim();
  const capped = capLength(collapsed, maxLength);
  if (capped === '' || /^\.+$/.test(capped)) return FALLBACK_NAME;
  return capped;
}

/** Caps by code points, keeping a short extension so the type survives. */
function capLength(name: string, maxLength: number): string {
  const chars = Array.from(name);
  if (chars.length <= maxLength) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? Array.from(name.slice(dot)) : [];
  if (extension.length > 0 && extension.length <= 16) {
    return chars.slice(0, maxLength - extension.length).join('').trimEnd() + extension.join('');
  }
  return chars.slice(0, maxLength).join('').trimEnd();
}

export function createObjectKey(prefix: string, fileName: string, uuid: () => string = randomUUID): string {
  return `${prefix}${uuid()}/${sanitizeFileName(fileName)}`;
}

/** The file name part of a key made by createObjectKey. */
export function fileNameOfKey(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1) || FALLBACK_NAME;
}
