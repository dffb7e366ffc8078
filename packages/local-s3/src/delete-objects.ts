/** DeleteObjects (POST /<bucket>?delete): up to 1000 keys per request, missing keys count as deleted, as in S3. */
import type { Operation } from './operation.js';
import { readSmallBody } from './read-small-body.js';
import { sendXml } from './respond.js';
import { s3Errors } from './s3-error.js';
import { asArray, asRecord, asText, parseXmlBody, xmlDocument } from './xml.js';
import type { XmlNode } from './xml.js';

const MAX_KEYS = 1000;

export const deleteObjects: Operation = async ({ req, res, target, payload }, { store }) => {
  if (!store.bucket(target.bucket)) throw s3Errors.noSuchBucket(target.bucket);
  const body = await readSmallBody(req, payload, 2 * 1024 * 1024);
  const root = asRecord(parseXmlBody(body.toString('utf8'))['Delete']);
  if (!root) throw s3Errors.malformedXml();
  const keys = asArray(root['Object']).map((entry) => asText(asRecord(entry)?.['Key']));
  if (keys.length === 0 || keys.length > MAX_KEYS || keys.some((k) => k === undefined || k === '')) throw s3Errors.malformedXml();
  const quiet = asText(root['Quiet']) === 'true';
  const deleted: XmlNode[] = [];
  for (const key of keys as string[]) {
    await store.deleteObject(target.bucket, key);
    if (!quiet) deleted.push(['Deleted', [['Key', key]]]);
  }
  sendXml(res, 200, xmlDocument('DeleteResult', deleted));
};
