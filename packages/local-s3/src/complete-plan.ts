/**
 * CompleteMultipartUpload validation, in the order S3 reports errors:
 * MalformedXML, InvalidPartOrder, then per part InvalidPart / EntityTooSmall.
 */
import { createHash } from 'node:crypto';
import { s3Errors } from './s3-error.js';
import type { PartMeta } from './store-model.js';
import { asArray, asRecord, asText, parseXmlBody } from './xml.js';

export const MIN_PART_SIZE = 5 * 1024 * 1024;

export interface RequestedPart {
  partNumber: number;
  etag: string;
}

export function parseCompleteRequest(body: string): RequestedPart[] {
  const root = asRecord(parseXmlBody(body)['CompleteMultipartUpload']);
  if (!root) throw s3Errors.malformedXml();
  const parts = asArray(root['Part']).map((raw): RequestedPart => {
    const part = asRecord(raw);
    const numberText = asText(part?.['PartNumber']);
    const etag = asText(part?.['ETag']);
    if (numberText === undefined || etag === undefined || !/^\d+$/.test(numberText)) throw s3Errors.malformedXml();
    return { partNumber: Number(numberText), etag };
  });
  if (parts.length === 0) throw s3Errors.malformedXml();
  return parts;
}

function normalizeEtag(etag: string): string {
  return etag.trim().replace(/^"|"$/g, '').toLowerCase();
}

/** The stored parts to concatenate, in order, and the multipart ETag (md5 of the binary part md5s, `-N`). */
export function planCompletion(
  uploadId: string,
  requested: readonly RequestedPart[],
  stored: ReadonlyMap<number, PartMeta>,
): { parts: PartMeta[]; etag: string } {
  for (let i = 1; i < requested.length; i++) {
    if ((requested[i]?.partNumber ?? 0) <= (requested[i - 1]?.partNumber ?? 0)) throw s3Errors.invalidPartOrder(uploadId);
  }
  const parts = requested.map((want, index): PartMeta => {
    const part = stored.get(want.partNumber);
    if (!part || normalizeEtag(part.etag) !== normalizeEtag(want.etag)) {
      throw s3Errors.invalidPart(uploadId, want.partNumber, want.etag);
    }
    if (index < requested.length - 1 && part.size < MIN_PART_SIZE) {
      throw s3Errors.entityTooSmall(part.size, MIN_PART_SIZE, want.partNumber, normalizeEtag(want.etag));
    }
    return part;
  });
  const md5 = createHash('md5');
  for (const part of parts) md5.update(Buffer.from(normalizeEtag(part.etag), 'hex'));
  return { parts, etag: `"${md5.digest('hex')}-${parts.length}"` };
}
