/**
 * Recognises a file again after a reload: name, size, last-modified time and a
 * SHA-256 of its first bytes (the whole first part at the default 8 MiB part
 * size). Cheap enough to run on every dropped file that could be a resume;
 * the stored parts themselves are verified part by part before they are skipped.
 */
import { formatCount, formatDateTime } from './format.js';

/** Bytes hashed from the start of the file. */
export const FINGERPRINT_HEAD_BYTES = 8 * 1024 * 1024;

export interface FileFingerprint {
  readonly name: string;
  readonly size: number;
  readonly lastModified: number;
  /** Hex SHA-256 of the first min(size, FINGERPRINT_HEAD_BYTES) bytes. */
  readonly headSha256: string;
}

export type FingerprintMatch = { readonly same: true } | { readonly same: false; readonly reason: string };

type FileLike = Pick<File, 'name' | 'size' | 'lastModified' | 'slice'>;

export async function fingerprintFile(file: FileLike): Promise<FileFingerprint> {
  return { name: file.name, size: file.size, lastModified: file.lastModified, headSha256: await headSha256(file) };
}

/** Whether a file could be the one a fingerprint was taken of, before reading any bytes. */
export function couldBeSameFile(fingerprint: FileFingerprint, file: Pick<File, 'name' | 'size'>): boolean {
  return fingerprint.name === file.name && fingerprint.size === file.size;
}

/** Whether `file` is the fingerprinted file; when not, a sentence saying what differs. */
export async function matchFingerprint(fingerprint: FileFingerprint, file: FileLike): Promise<FingerprintMatch> {
  if (file.name !== fingerprint.name) return { same: false, reason: `it is called “${file.name}”, not “${fingerprint.name}”` };
  if (file.size !== fingerprint.size) return { same: false, reason: `it has ${formatCount(file.size)} bytes, not ${formatCount(fingerprint.size)}` };
  if ((await headSha256(file)) !== fingerprint.headSha256) {
    return { same: false, reason: 'its content is different: its first bytes are not those of the file this upload started with' };
  }
  if (file.lastModified !== fingerprint.lastModified) {
    return {
      same: false,
      reason: `it was modified on ${formatDateTime(file.lastModified)}, but the upload started from a version of ${formatDateTime(fingerprint.lastModified)}`,
    };
  }
  return { same: true };
}

async function headSha256(file: FileLike): Promise<string> {
  const head = await file.slice(0, Math.min(file.size, FINGERPRINT_HEAD_BYTES)).arrayBuffer();
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', head));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
