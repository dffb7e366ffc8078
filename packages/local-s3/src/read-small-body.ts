/** Reads a small XML request body (Complete, PutBucketCors) into memory with the payload checks of SigV4. */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PayloadMode } from './authenticate.js';
import { AwsChunkedDecoder } from './aws-chunked-decoder.js';
import { requestBody } from './request-body.js';
import { S3Error, s3Errors } from './s3-error.js';

export async function readSmallBody(req: IncomingMessage, payload: PayloadMode, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > limit) {
        callback(new S3Error(400, 'MaxMessageLengthExceeded', 'Your request was too big.'));
        return;
      }
      chunks.push(chunk);
      callback();
    },
  });
  const chunked = payload.kind === 'chunked-signed' || payload.kind === 'chunked-unsigned-trailer';
  const source: Readable = requestBody(req);
  try {
    if (chunked) {
      await pipeline(source, new AwsChunkedDecoder({ chain: payload.kind === 'chunked-signed' ? payload.chain : undefined }), sink);
    } else {
      await pipeline(source, sink);
    }
  } catch (error) {
    if (error instanceof S3Error) throw error;
    throw s3Errors.incompleteBody();
  }
  const body = Buffer.concat(chunks);
  if (payload.kind === 'sha256') {
    const computed = createHash('sha256').update(body).digest('hex');
    if (computed !== payload.expected) throw s3Errors.sha256Mismatch(payload.expected, computed);
  }
  const contentMd5 = req.headers['content-md5'];
  if (typeof contentMd5 === 'string') {
    const computed = createHash('md5').update(body).digest('base64');
    if (computed !== contentMd5.trim()) throw s3Errors.badDigest(contentMd5, computed);
  }
  return body;
}
