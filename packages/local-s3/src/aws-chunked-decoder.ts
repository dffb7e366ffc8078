/**
 * Decodes an aws-chunked body (`<hex-size>[;chunk-signature=<sig>]\r\n<data>\r\n ... 0\r\n[trailers]\r\n`)
 * into the plain object bytes, verifying chunk signatures when the request was
 * STREAMING-AWS4-HMAC-SHA256-PAYLOAD. https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
 */
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import type { ChunkSigningChain } from './authenticate.js';
import { S3Error } from './s3-error.js';
import { EMPTY_SHA256, hmacHex } from './sigv4.js';

const MAX_LINE = 8 * 1024;
const CRLF = Buffer.from('\r\n');

type State = 'size-line' | 'data' | 'data-end' | 'trailer' | 'done';

function malformed(message: string): S3Error {
  return new S3Error(400, 'InvalidChunkSizeError', message);
}

function chunkSignatureMismatch(): S3Error {
  return new S3Error(
    403,
    'SignatureDoesNotMatch',
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  );
}

export interface AwsChunkedOptions {
  /** Present when chunks carry signatures that must chain from the request signature. */
  chain?: ChunkSigningChain;
}

export class AwsChunkedDecoder extends Transform {
  /** Trailing headers (lower-case names), e.g. x-amz-checksum-crc32, available after the stream ends. */
  readonly trailers = new Map<string, string>();
  #state: State = 'size-line';
  #pending: Buffer = Buffer.alloc(0);
  #remaining = 0;
  #chunkHash: Hash | undefined;
  #chunkSignature = '';
  #previousSignature: string;
  #trailerText = '';
  readonly #chain: ChunkSigningChain | undefined;

  constructor(options: AwsChunkedOptions) {
    super({ readableHighWaterMark: 1024 * 1024, writableHighWaterMark: 1024 * 1024 });
    this.#chain = options.chain;
    this.#previousSignature = options.chain?.seedSignature ?? '';
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.#consume(chunk);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    if (this.#state !== 'done') {
      callback(new S3Error(400, 'IncompleteBody', 'The request body terminated unexpectedly'));
      return;
    }
    callback();
  }

  #consume(input: Buffer): void {
    let buf = this.#pending.length > 0 ? Buffer.concat([this.#pending, input]) : input;
    this.#pending = Buffer.alloc(0);
    while (buf.length > 0) {
      if (this.#state === 'data') {
        const take = Math.min(this.#remaining, buf.length);
        const piece = buf.subarray(0, take);
        this.#chunkHash?.update(piece);
        this.push(piece);
        this.#remaining -= take;
        buf = buf.subarray(take);
        if (this.#remaining === 0) this.#state = 'data-end';
        continue;
      }
      if (this.#state === 'done') return; // bytes after the final chunk are ignored, never stored
      const eol = buf.indexOf(CRLF);
      if (eol === -1) {
        if (buf.length > MAX_LINE) throw malformed('aws-chunked line too long');
        this.#pending = Buffer.from(buf);
        return;
      }
      const line = buf.subarray(0, eol).toString('latin1');
      buf = buf.subarray(eol + 2);
      this.#handleLine(line);
    }
  }

  #handleLine(line: string): void {
    switch (this.#state) {
      case 'data-end':
        if (line !== '') throw malformed('aws-chunked data is longer than its declared size');
        this.#verifyChunk();
        this.#state = 'size-line';
        return;
      case 'size-line': {
        const [sizeText = '', ...extensions] = line.split(';');
        if (!/^[0-9a-fA-F]{1,16}$/.test(sizeText)) throw malformed('Invalid chunk size in aws-chunked body');
        const size = parseInt(sizeText, 16);
        const signatureExt = extensions.find((e) => e.startsWith('chunk-signature='));
        this.#chunkSignature = signatureExt?.slice('chunk-signature='.length) ?? '';
        if (this.#chain && !this.#chunkSignature) throw chunkSignatureMismatch();
        this.#chunkHash = this.#chain ? createHash('sha256') : undefined;
        if (size > 0) {
          this.#remaining = size;
          this.#state = 'data';
          return;
        }
        this.#verifyChunk();
        // The final chunk is followed by optional trailing headers, then an empty line.
        this.#state = 'trailer';
        return;
      }
      case 'trailer': {
        if (line === '') {
          this.#verifyTrailer();
          this.#state = 'done';
          return;
        }
        const colon = line.indexOf(':');
        if (colon <= 0) throw malformed('Malformed trailing header in aws-chunked body');
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        if (name === 'x-amz-trailer-signature') {
          this.#chunkSignature = value;
          return;
        }
        this.trailers.set(name, value);
        this.#trailerText += `${name}:${value}\n`;
        return;
      }
      default:
        throw malformed('Unexpected aws-chunked framing');
    }
  }

  #verifyChunk(): void {
    if (!this.#chain) return;
    const digest = this.#chunkHash?.digest('hex') ?? EMPTY_SHA256;
    const toSign = [
      'AWS4-HMAC-SHA256-PAYLOAD',
      this.#chain.amzDate,
      this.#chain.scope,
      this.#previousSignature,
      EMPTY_SHA256,
      digest,
    ].join('\n');
    const expected = hmacHex(this.#chain.signingKey, toSign);
    if (expected !== this.#chunkSignature) throw chunkSignatureMismatch();
    this.#previousSignature = expected;
  }

  #verifyTrailer(): void {
    if (!this.#chain || this.#trailerText === '') return;
    const toSign = [
      'AWS4-HMAC-SHA256-TRAILER',
      this.#chain.amzDate,
      this.#chain.scope,
      this.#previousSignature,
      createHash('sha256').update(this.#trailerText).digest('hex'),
    ].join('\n');
    if (hmacHex(this.#chain.signingKey, toSign) !== this.#chunkSignature) throw chunkSignatureMismatch();
  }
}
