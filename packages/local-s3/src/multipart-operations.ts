/** CreateMultipartUpload, UploadPart, ListParts, ListMultipartUploads, CompleteMultipartUpload, AbortMultipartUpload. */
import { rm } from 'node:fs/promises';
import { planCompletion, parseCompleteRequest } from './complete-plan.js';
import { ingestBody } from './ingest-body.js';
import { intParam } from './list-params.js';
import type { Operation, StoreContext } from './operation.js';
import { readSmallBody } from './read-small-body.js';
import { queryValue } from './request-target.js';
import { sendEmpty, sendXml } from './respond.js';
import { s3Errors } from './s3-error.js';
import { storedHeadersFrom } from './stored-headers.js';
import type { UploadMeta } from './store-model.js';
import { awsUriEncode } from './sigv4.js';
import { xmlDocument } from './xml.js';
import type { XmlNode } from './xml.js';

export const MAX_PART_SIZE = 5 * 1024 ** 3;
const MAX_PART_NUMBER = 10_000;
const MAX_COMPLETE_BODY = 4 * 1024 * 1024;

function owner(ctx: StoreContext, element: 'Owner' | 'Initiator'): XmlNode {
  return [element, [['ID', ctx.ownerId], ['DisplayName', 'local']]];
}

function uploadIdOf(query: Parameters<typeof queryValue>[0]): string {
  return queryValue(query, 'uploadId') ?? '';
}

export const createMultipartUpload: Operation = async ({ req, res, target, signedHeaders }, ctx) => {
  const upload = await ctx.store.createUpload(target.bucket, target.key, storedHeadersFrom(req, signedHeaders), ctx.now());
  sendXml(
    res,
    200,
    xmlDocument('InitiateMultipartUploadResult', [
      ['Bucket', upload.bucket],
      ['Key', upload.key],
      ['UploadId', upload.uploadId],
    ]),
  );
};

export const uploadPart: Operation = async ({ req, res, target, payload }, { store, now, bodyWriters }) => {
  const partText = queryValue(target.query, 'partNumber') ?? '';
  const partNumber = /^\d+$/.test(partText) ? Number(partText) : NaN;
  if (!(partNumber >= 1 && partNumber <= MAX_PART_NUMBER)) {
    throw s3Errors.invalidArgument('Part number must be an integer between 1 and 10000, inclusive', 'partNumber', partText);
  }
  if (req.headers['x-amz-copy-source'] !== undefined) throw s3Errors.notImplemented();
  const uploadId = uploadIdOf(target.query);
  if (!store.bucket(target.bucket)) throw s3Errors.noSuchBucket(target.bucket);
  store.upload(target.bucket, target.key, uploadId);
  const tempPath = store.tempPath();
  const body = await ingestBody(req, { payload, tempPath, maxSize: MAX_PART_SIZE, writers: bodyWriters });
  const etag = `"${body.md5Hex}"`;
  try {
    await store.commitPart(target.bucket, target.key, uploadId, tempPath, { partNumber, size: body.size, etag, lastModified: now() });
  } catch (error) {
    // The upload was aborted or completed while the body streamed in.
    await rm(tempPath, { force: true });
    throw error;
  }
  sendEmpty(res, 200, { ETag: etag });
};

export const listParts: Operation = async ({ res, target }, ctx) => {
  const uploadId = uploadIdOf(target.query);
  if (!ctx.store.bucket(target.bucket)) throw s3Errors.noSuchBucket(target.bucket);
  const maxParts = intParam(target.query, 'max-parts', 1000, 1000);
  const marker = intParam(target.query, 'part-number-marker', 0, Number.MAX_SAFE_INTEGER);
  const all = ctx.store.parts(target.bucket, target.key, uploadId).filter((p) => p.partNumber > marker);
  const page = all.slice(0, maxParts);
  const truncated = all.length > page.length;
  const last = page.at(-1);
  sendXml(
    res,
    200,
    xmlDocument('ListPartsResult', [
      ['Bucket', target.bucket],
      ['Key', target.key],
      ['UploadId', uploadId],
      owner(ctx, 'Initiator'),
      owner(ctx, 'Owner'),
      ['StorageClass', 'STANDARD'],
      ['PartNumberMarker', marker],
      ['NextPartNumberMarker', last?.partNumber ?? marker],
      ['MaxParts', maxParts],
      ['IsTruncated', truncated],
      ...page.map(
        (p): XmlNode => [
          'Part',
          [
            ['PartNumber', p.partNumber],
            ['LastModified', p.lastModified],
            ['ETag', p.etag],
            ['Size', p.size],
          ],
        ],
      ),
    ]),
  );
};

/** S3 orders uploads by key (binary), then by initiation time. */
function compareUploads(a: UploadMeta, b: UploadMeta): number {
  const byKey = Buffer.compare(Buffer.from(a.key), Buffer.from(b.key));
  if (byKey !== 0) return byKey;
  if (a.initiated !== b.initiated) return a.initiated < b.initiated ? -1 : 1;
  return a.uploadId < b.uploadId ? -1 : a.uploadId > b.uploadId ? 1 : 0;
}

export const listMultipartUploads: Operation = async ({ res, target }, ctx) => {
  const q = target.query;
  const prefix = queryValue(q, 'prefix') ?? '';
  const delimiter = queryValue(q, 'delimiter') ?? '';
  const keyMarker = queryValue(q, 'key-marker') ?? '';
  const uploadIdMarker = queryValue(q, 'upload-id-marker') ?? '';
  const maxUploads = intParam(q, 'max-uploads', 1000, 1000);
  const urlEncoding = queryValue(q, 'encoding-type') === 'url';
  const enc = (text: string): string => (urlEncoding ? text.split('/').map(awsUriEncode).join('/') : text);
  const sorted = ctx.store.uploads(target.bucket).sort(compareUploads);
  const markerUpload = sorted.find((u) => u.key === keyMarker && u.uploadId === uploadIdMarker);
  const candidates = sorted.filter((u) => {
    if (!u.key.startsWith(prefix)) return false;
    if (keyMarker === '') return true;
    if (uploadIdMarker !== '' && markerUpload) return compareUploads(u, markerUpload) > 0;
    return Buffer.compare(Buffer.from(u.key), Buffer.from(keyMarker)) > 0;
  });
  const uploads: UploadMeta[] = [];
  const prefixes: string[] = [];
  let truncated = false;
  let lastKey = '';
  let lastUploadId = '';
  for (const u of candidates) {
    const rest = u.key.slice(prefix.length);
    const cut = delimiter === '' ? -1 : rest.indexOf(delimiter);
    const commonPrefix = cut === -1 ? undefined : prefix + rest.slice(0, cut + delimiter.length);
    if (commonPrefix !== undefined && prefixes.at(-1) === commonPrefix) continue;
    if (uploads.length + prefixes.length >= maxUploads) {
      truncated = true;
      break;
    }
    if (commonPrefix !== undefined) {
      prefixes.push(commonPrefix);
      lastKey = commonPrefix;
      lastUploadId = '';
    } else {
      uploads.push(u);
      lastKey = u.key;
      lastUploadId = u.uploadId;
    }
  }
  sendXml(
    res,
    200,
    xmlDocument('ListMultipartUploadsResult', [
      ['Bucket', target.bucket],
      ['KeyMarker', enc(keyMarker)],
      ['UploadIdMarker', uploadIdMarker],
      truncated ? ['NextKeyMarker', enc(lastKey)] : undefined,
      truncated ? ['NextUploadIdMarker', lastUploadId] : undefined,
      urlEncoding ? ['EncodingType', 'url'] : undefined,
      ['Delimiter', enc(delimiter)],
      ['Prefix', enc(prefix)],
      ['MaxUploads', maxUploads],
      ['IsTruncated', truncated],
      ...uploads.map(
        (u): XmlNode => [
          'Upload',
          [
            ['Key', enc(u.key)],
            ['UploadId', u.uploadId],
            owner(ctx, 'Initiator'),
            owner(ctx, 'Owner'),
            ['StorageClass', 'STANDARD'],
            ['Initiated', u.initiated],
          ],
        ],
      ),
      ...prefixes.map((p): XmlNode => ['CommonPrefixes', [['Prefix', enc(p)]]]),
    ]),
  );
};

export const completeMultipartUpload: Operation = async ({ req, res, target, payload }, ctx) => {
  const uploadId = uploadIdOf(target.query);
  if (!ctx.store.bucket(target.bucket)) throw s3Errors.noSuchBucket(target.bucket);
  ctx.store.upload(target.bucket, target.key, uploadId);
  const body = await readSmallBody(req, payload, MAX_COMPLETE_BODY);
  const requested = parseCompleteRequest(body.toString('utf8'));
  const object = await ctx.store.completeUpload(
    target.bucket,
    target.key,
    uploadId,
    (stored) => planCompletion(uploadId, requested, stored),
    ctx.now,
  );
  const host = req.headers.host ?? '127.0.0.1';
  sendXml(
    res,
    200,
    xmlDocument('CompleteMultipartUploadResult', [
      ['Location', `http://${host}/${target.bucket}/${target.key.split('/').map(awsUriEncode).join('/')}`],
      ['Bucket', target.bucket],
      ['Key', target.key],
      ['ETag', object.etag],
    ]),
  );
};

export const abortMultipartUpload: Operation = async ({ res, target }, { store }) => {
  if (!store.bucket(target.bucket)) throw s3Errors.noSuchBucket(target.bucket);
  await store.abortUpload(target.bucket, target.key, uploadIdOf(target.query));
  sendEmpty(res, 204);
};
