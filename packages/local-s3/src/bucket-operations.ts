/** ListBuckets, CreateBucket, HeadBucket, DeleteBucket, ListObjects(V2), bucket CORS. */
import { corsConfigurationXml, parseCorsConfiguration } from './cors.js';
import { intParam } from './list-params.js';
import type { Operation, StoreContext } from './operation.js';
import { readSmallBody } from './read-small-body.js';
import { queryValue } from './request-target.js';
import { sendEmpty, sendXml } from './respond.js';
import { s3Errors } from './s3-error.js';
import { awsUriEncode } from './sigv4.js';
import type { ObjectMeta } from './store-model.js';
import { S3_XMLNS, escapeXml, parseXmlBody, xmlDocument } from './xml.js';
import type { XmlNode } from './xml.js';

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function isValidBucketName(name: string): boolean {
  return BUCKET_NAME.test(name) && !name.includes('..') && !/^\d+\.\d+\.\d+\.\d+$/.test(name);
}

function requireBucket(ctx: StoreContext, name: string): void {
  if (!ctx.store.bucket(name)) throw s3Errors.noSuchBucket(name);
}

export const listBuckets: Operation = async ({ res }, ctx) => {
  sendXml(
    res,
    200,
    xmlDocument('ListAllMyBucketsResult', [
      ['Owner', [['ID', ctx.ownerId], ['DisplayName', 'local']]],
      ['Buckets', ctx.store.bucketNames().map((b): XmlNode => ['Bucket', [['Name', b.name], ['CreationDate', b.created]]])],
    ]),
  );
};

export const createBucket: Operation = async ({ req, res, target }, ctx) => {
  if (!isValidBucketName(target.bucket)) throw s3Errors.invalidBucketName(target.bucket);
  req.resume(); // an optional CreateBucketConfiguration body carries nothing we use
  const created = await ctx.store.createBucket(target.bucket, null, ctx.now());
  // us-east-1 answers 200 to a re-create by the owner; every other region answers 409.
  if (!created && ctx.region !== 'us-east-1') throw s3Errors.bucketAlreadyOwnedByYou(target.bucket);
  sendEmpty(res, 200, { Location: `/${target.bucket}` });
};

export const headBucket: Operation = async ({ res, target }, ctx) => {
  requireBucket(ctx, target.bucket);
  sendEmpty(res, 200, { 'x-amz-bucket-region': ctx.region });
};

export const deleteBucket: Operation = async ({ res, target }, ctx) => {
  await ctx.store.deleteBucket(target.bucket);
  sendEmpty(res, 204);
};

export const getBucketLocation: Operation = async ({ res, target }, ctx) => {
  requireBucket(ctx, target.bucket);
  // us-east-1 is reported as an empty LocationConstraint.
  const region = ctx.region === 'us-east-1' ? '' : escapeXml(ctx.region);
  sendXml(res, 200, `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="${S3_XMLNS}">${region}</LocationConstraint>`);
};

export const getBucketCors: Operation = async ({ res, target }, ctx) => {
  const bucket = ctx.store.bucket(target.bucket);
  if (!bucket) throw s3Errors.noSuchBucket(target.bucket);
  if (!bucket.cors) throw s3Errors.noSuchCorsConfiguration(target.bucket);
  sendXml(res, 200, xmlDocument('CORSConfiguration', corsConfigurationXml(bucket.cors)));
};

export const putBucketCors: Operation = async ({ req, res, target, payload }, ctx) => {
  requireBucket(ctx, target.bucket);
  const body = await readSmallBody(req, payload, 64 * 1024);
  const rules = parseCorsConfiguration(parseXmlBody(body.toString('utf8')));
  await ctx.store.setCors(target.bucket, rules);
  sendEmpty(res, 200);
};

export const deleteBucketCors: Operation = async ({ res, target }, ctx) => {
  requireBucket(ctx, target.bucket);
  await ctx.store.setCors(target.bucket, null);
  sendEmpty(res, 204);
};

interface ListPage {
  contents: ObjectMeta[];
  prefixes: string[];
  truncated: boolean;
  /** Last key or common prefix returned; the next page starts after it. */
  last: string | undefined;
}

/** One page of keys after `after` under `prefix`, rolling keys up to common prefixes at `delimiter`. */
function listPage(objects: readonly ObjectMeta[], prefix: string, delimiter: string, after: string, maxKeys: number): ListPage {
  const afterBytes = Buffer.from(after);
  const page: ListPage = { contents: [], prefixes: [], truncated: false, last: undefined };
  for (const object of objects) {
    if (!object.key.startsWith(prefix)) continue;
    if (after !== '' && (Buffer.compare(Buffer.from(object.key), afterBytes) <= 0 || (after.endsWith(delimiter) && delimiter !== '' && object.key.startsWith(after)))) continue;
    const rest = object.key.slice(prefix.length);
    const cut = delimiter === '' ? -1 : rest.indexOf(delimiter);
    const commonPrefix = cut === -1 ? undefined : prefix + rest.slice(0, cut + delimiter.length);
    if (commonPrefix !== undefined && page.prefixes.at(-1) === commonPrefix) continue;
    if (page.contents.length + page.prefixes.length >= maxKeys) {
      page.truncated = true;
      break;
    }
    if (commonPrefix !== undefined) page.prefixes.push(commonPrefix);
    else page.contents.push(object);
    page.last = commonPrefix ?? object.key;
  }
  return page;
}

function contentsXml(object: ObjectMeta, enc: (s: string) => string): XmlNode {
  return [
    'Contents',
    [
      ['Key', enc(object.key)],
      ['LastModified', object.lastModified],
      ['ETag', object.etag],
      ['Size', object.size],
      ['StorageClass', 'STANDARD'],
    ],
  ];
}

export const listObjects: Operation = async ({ res, target }, ctx) => {
  const q = target.query;
  const v2 = queryValue(q, 'list-type') === '2';
  const prefix = queryValue(q, 'prefix') ?? '';
  const delimiter = queryValue(q, 'delimiter') ?? '';
  const maxKeys = intParam(q, 'max-keys', 1000, 1000);
  const urlEncoding = queryValue(q, 'encoding-type') === 'url';
  const enc = (text: string): string => (urlEncoding ? text.split('/').map(awsUriEncode).join('/') : text);
  const token = queryValue(q, 'continuation-token');
  let after: string;
  if (v2) {
    if (token !== undefined) {
      const decoded = Buffer.from(token, 'base64url').toString('utf8');
      if (token === '' || Buffer.from(decoded).toString('base64url') !== token) {
        throw s3Errors.invalidArgument('The continuation token provided is incorrect', 'continuation-token', token);
      }
      after = decoded;
    } else {
      after = queryValue(q, 'start-after') ?? '';
    }
  } else {
    after = queryValue(q, 'marker') ?? '';
  }
  const page = listPage(ctx.store.listObjects(target.bucket), prefix, delimiter, after, maxKeys);
  const common = page.prefixes.map((p): XmlNode => ['CommonPrefixes', [['Prefix', enc(p)]]]);
  const contents = page.contents.map((o) => contentsXml(o, enc));
  const nextToken = page.truncated && page.last !== undefined ? Buffer.from(page.last).toString('base64url') : undefined;
  // v1 and v2 differ only in how a page is named and continued; the rest is the same, in S3's order.
  const pageXml: (XmlNode | undefined)[] = [
    ['MaxKeys', maxKeys],
    delimiter !== '' ? ['Delimiter', enc(delimiter)] : undefined,
    urlEncoding ? ['EncodingType', 'url'] : undefined,
    ['IsTruncated', page.truncated],
    ...contents,
    ...common,
  ];
  const body = v2
    ? xmlDocument('ListBucketResult', [
        ['Name', target.bucket],
        ['Prefix', enc(prefix)],
        token !== undefined ? ['ContinuationToken', token] : undefined,
        nextToken !== undefined ? ['NextContinuationToken', nextToken] : undefined,
        queryValue(q, 'start-after') !== undefined ? ['StartAfter', enc(queryValue(q, 'start-after') ?? '')] : undefined,
        ['KeyCount', contents.length + common.length],
        ...pageXml,
      ])
    : xmlDocument('ListBucketResult', [
        ['Name', target.bucket],
        ['Prefix', enc(prefix)],
        ['Marker', enc(after)],
        page.truncated && delimiter !== '' && page.last !== undefined ? ['NextMarker', enc(page.last)] : undefined,
        ...pageXml,
      ]);
  sendXml(res, 200, body);
};
