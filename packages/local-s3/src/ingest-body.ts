/**
 * Streams a request body to a temp file with backpressure, hashing MD5 (and
 * SHA-256 only when the payload hash is signed) in the same pass, on a body
 * writer thread. The caller renames the temp file into place; on any failure
 * the temp file is removed.
 */
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { PayloadMode } from './authenticate.js';
import { AwsChunkedDecoder } from './aws-chunked-decoder.js';
import { requestBody } from './request-body.js';
import { S3Error, s3Errors } from './s3-error.js';
import type { BodyWriterPool } from './body-writer-pool.js';
import { checksumAlgorithmOf, verifyTrailingChecksum } from './checksum.js';
import { DigestingFileSink } from './digesting-file-sink.js';

export interface IngestOptions {
  payload: PayloadMode;
  tempPath: string;
  /** Largest body S3 accepts for this operation (5 GiB for PutObject and UploadPart). */
  maxSize: number;
  writers: BodyWriterPool;
}

export interface IngestedBody {
  size: number;
  md5Hex: string;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** Validates a Content-MD5 header up front (InvalidDigest) and returns its hex form. */
function expectedMd5Hex(req: IncomingMessage): string | undefined {
  const contentMd5 = header(req, 'content-md5');
  if (contentMd5 === undefined) return undefined;
  const bytes = Buffer.from(contentMd5, 'base64');
  if (bytes.length !== 16 || bytes.toString('base64') !== contentMd5.trim()) throw s3Errors.invalidDigest(contentMd5);
  return bytes.toString('hex');
}

function declaredLength(req: IncomingMessage, chunked: boolean): number {
  const text = chunked ? header(req, 'x-amz-decoded-content-length') : header(req, 'content-length');
  if (text === undefined) throw s3Errors.missingContentLength();
  if (!/^\d+$/.test(text)) throw s3Errors.invalidArgument('Invalid content length', chunked ? 'x-amz-decoded-content-length' : 'Content-Length', text);
  return Number(text);
}

export async function ingestBody(req: IncomingMessage, options: IngestOptions): Promise<IngestedBody> {
  const { payload } = options;
  const chunked = payload.kind === 'chunked-signed' || payload.kind === 'chunked-unsigned-trailer';
  const expected = declaredLength(req, chunked);
  if (expected > options.maxSize) throw s3Errors.entityTooLarge(expected, options.maxSize);
  const md5Expected = expectedMd5Hex(req);
  const checksum = checksumAlgorithmOf(req);
  const sink = new DigestingFileSink({ path: options.tempPath, limit: expected, digests: { sha256: payload.kind === 'sha256', checksum }, writers: options.writers });
  const decoder = chunked ? new AwsChunkedDecoder({ chain: payload.kind === 'chunked-signed' ? payload.chain : undefined }) : undefined;
  try {
    try {
      if (decoder) await pipeline(requestBody(req), decoder, sink);
      else await pipeline(requestBody(req), sink);
    } catch (error) {
      if (error instanceof S3Error) throw error;
      throw s3Errors.incompleteBody();
    }
    const digests = sink.digests;
    if (sink.size !== expected || digests === undefined) throw s3Errors.incompleteBody();
    const { md5Hex } = digests;
    if (md5Expected !== undefined && md5Expected !== md5Hex) {
      throw s3Errors.badDigest(Buffer.from(md5Expected, 'hex').toString('base64'), Buffer.from(md5Hex, 'hex').toString('base64'));
    }
    if (payload.kind === 'sha256') {
      const computed = digests.sha256Hex ?? '';
      if (computed !== payload.expected) throw s3Errors.sha256Mismatch(payload.expected, computed);
    }
    if (checksum) verifyTrailingChecksum(checksum, digests.checksumBase64 ?? '', decoder?.trailers, req);
    return { size: sink.size, md5Hex };
  } catch (error) {
    // The writer thread closes the file first, so nothing is written to it after it is removed.
    await sink.discard();
    await rm(options.tempPath, { force: true });
    throw error;
  }
}
