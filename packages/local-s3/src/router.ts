/** Picks the S3 operation for a path-style request from its method, key and subresources. */
import {
  createBucket,
  deleteBucket,
  deleteBucketCors,
  getBucketCors,
  getBucketLocation,
  headBucket,
  listBuckets,
  listObjects,
  putBucketCors,
} from './bucket-operations.js';
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  listMultipartUploads,
  listParts,
  uploadPart,
} from './multipart-operations.js';
import { deleteObjects } from './delete-objects.js';
import { deleteObject, getObject, headObject, putObject } from './object-operations.js';
import type { Operation } from './operation.js';
import { hasQuery } from './request-target.js';
import type { RequestTarget } from './request-target.js';
import { s3Errors } from './s3-error.js';

/** S3 subresources this store does not implement: requests naming them get 501, never a wrong success. */
const UNSUPPORTED_SUBRESOURCES = [
  'acl', 'tagging', 'versioning', 'versions', 'policy', 'policyStatus', 'lifecycle', 'website', 'logging',
  'notification', 'replication', 'encryption', 'object-lock', 'retention', 'legal-hold', 'torrent', 'restore',
  'select', 'accelerate', 'requestPayment', 'analytics', 'inventory', 'metrics', 'ownershipControls',
  'publicAccessBlock', 'intelligent-tiering', 'attributes', 'renameObject',
];

export function routeRequest(method: string, target: RequestTarget): Operation {
  const q = (name: string): boolean => hasQuery(target.query, name);
  if (UNSUPPORTED_SUBRESOURCES.some(q)) throw s3Errors.notImplemented();
  if (target.bucket === '') {
    if (method === 'GET') return listBuckets;
    throw s3Errors.notImplemented();
  }
  if (target.key === '') {
    switch (method) {
      case 'PUT':
        return q('cors') ? putBucketCors : createBucket;
      case 'GET':
        if (q('cors')) return getBucketCors;
        if (q('uploads')) return listMultipartUploads;
        if (q('location')) return getBucketLocation;
        return listObjects;
      case 'HEAD':
        return headBucket;
      case 'DELETE':
        return q('cors') ? deleteBucketCors : deleteBucket;
      case 'POST':
        if (q('delete')) return deleteObjects;
        throw s3Errors.notImplemented();
      default:
        throw s3Errors.notImplemented();
    }
  }
  switch (method) {
    case 'PUT':
      if (q('uploadId') || q('partNumber')) return uploadPart;
      return putObject;
    case 'GET':
      return q('uploadId') ? listParts : getObject;
    case 'HEAD':
      return headObject;
    case 'POST':
      if (q('uploads')) return createMultipartUpload;
      if (q('uploadId')) return completeMultipartUpload;
      throw s3Errors.notImplemented();
    case 'DELETE':
      return q('uploadId') ? abortMultipartUpload : deleteObject;
    default:
      throw s3Errors.notImplemented();
  }
}
