/** PutObject, GetObject (with Range), HeadObject, DeleteObject. */
import { pipeline } from 'node:stream/promises';
import { parseByteRange } from './byte-range.js';
import { ingestBody } from './ingest-body.js';
import type { Operation, S3Call, StoreContext } from './operation.js';
import { sendEmpty } from './respond.js';
import { S3Error, s3Errors } from './s3-error.js';
import { readSlices, sliceSegments } from './segment-slices.js';
import { storedHeadersFrom, storedHeadersToResponse } from './stored-headers.js';
import type { ObjectMeta } from './store-model.js';

export const MAX_SINGLE_PUT = 5 * 1024 ** 3;

export const putObject: Operation = async ({ req, res, target, payload, signedHeaders }, { store, now, bodyWriters }) => {
  if (req.headers['x-amz-copy-source'] !== undefined) throw s3Errors.notImplemented();
  if (!store.bucket(target.bucket)) throw s3Errors.noSuchBucket(target.bucket);
  const tempPath = store.tempPath();
  const body = await ingestBody(req, { payload, tempPath, maxSize: MAX_SINGLE_PUT, writers: bodyWriters });
  const etag = `"${body.md5Hex}"`;
  await store.commitObject(target.bucket, target.key, tempPath, {
    size: body.size,
    etag,
    headers: storedHeadersFrom(req, signedHeaders),
    lastModified: now(),
  });
  sendEmpty(res, 200, { ETag: etag });
};

/** GetObject's response-* query parameters override the stored headers (used by presigned download links). */
const RESPONSE_OVERRIDES = new Map([
  ['response-content-type', 'Content-Type'],
  ['response-content-language', 'Content-Language'],
  ['response-expires', 'Expires'],
  ['response-cache-control', 'Cache-Control'],
  ['response-content-disposition', 'Content-Disposition'],
  ['response-content-encoding', 'Content-Encoding'],
]);

/** What Node can put in a header value (HTAB, printable ASCII, Latin-1): no CR, LF, NUL or other controls, nothing above U+00FF. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Refuses response-* overrides that cannot be a header value, before anything is read or sent (S3: 400 InvalidArgument). */
function checkResponseOverrides(query: S3Call['target']['query']): void {
  for (const [name, value] of query) {
    if (RESPONSE_OVERRIDES.has(name) && !HEADER_VALUE.test(value)) {
      throw s3Errors.invalidArgument(`${name} must be a valid header value (no control characters, nothing beyond Latin-1)`, name, JSON.stringify(value).slice(1, -1));
    }
  }
}

function objectHeaders(meta: ObjectMeta, query: S3Call['target']['query']): Record<string, string> {
  const headers: Record<string, string> = {
    ...storedHeadersToResponse(meta.headers),
    ETag: meta.etag,
    'Last-Modified': new Date(meta.lastModified).toUTCString(),
    'Accept-Ranges': 'bytes',
  };
  for (const [name, value] of query) {
    const header = RESPONSE_OVERRIDES.get(name);
    if (header !== undefined) headers[header] = value;
  }
  return headers;
}

/** Conditional request headers S3 honours on GET/HEAD (304/412). */
function checkPreconditions(call: S3Call, meta: ObjectMeta): number | undefined {
  const ifMatch = call.req.headers['if-match'];
  const ifNoneMatch = call.req.headers['if-none-match'];
  const strip = (e: string): string => e.trim().replace(/^W\//, '').replace(/"/g, '');
  const etag = strip(meta.etag);
  if (ifMatch !== undefined && !ifMatch.split(',').some((e) => e.trim() === '*' || strip(e) === etag)) return 412;
  if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((e) => e.trim() === '*' || strip(e) === etag)) return 304;
  return undefined;
}

async function serveObject(call: S3Call, ctx: StoreContext, withBody: boolean): Promise<void> {
  checkResponseOverrides(call.target.query);
  if (!ctx.store.bucket(call.target.bucket)) throw s3Errors.noSuchBucket(call.target.bucket);
  const reader = ctx.store.readObject(call.target.bucket, call.target.key);
  if (!reader) throw s3Errors.noSuchKey(call.target.key);
  const { meta } = reader;
  try {
    const condition = checkPreconditions(call, meta);
    if (condition === 304) {
      call.res.writeHead(304, { ETag: meta.etag, 'Last-Modified': new Date(meta.lastModified).toUTCString() });
      call.res.end();
      return;
    }
    if (condition === 412) {
      throw new S3Error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', {
        extra: { Condition: 'If-Match' },
      });
    }
    const range = parseByteRange(call.req.headers.range, meta.size);
    const headers = objectHeaders(meta, call.target.query);
    if (range) {
      headers['Content-Range'] = `bytes ${range.start}-${range.end}/${meta.size}`;
      headers['Content-Length'] = String(range.end - range.start + 1);
    } else {
      headers['Content-Length'] = String(meta.size);
    }
    call.res.writeHead(range ? 206 : 200, headers);
    if (!withBody || meta.size === 0) {
      call.res.end();
      return;
    }
    const slices = sliceSegments(reader.segments, range?.start ?? 0, range?.end ?? meta.size - 1);
    await pipeline(readSlices(slices), call.res);
  } finally {
    await reader.release();
  }
}

export const getObject: Operation = (call, ctx) => serveObject(call, ctx, true);
export const headObject: Operation = (call, ctx) => serveObject(call, ctx, false);

export const deleteObject: Operation = async ({ res, target }, { store }) => {
  await store.deleteObject(target.bucket, target.key);
  sendEmpty(res, 204);
};
