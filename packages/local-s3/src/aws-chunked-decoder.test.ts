import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { AwsChunkedDecoder } from './aws-chunked-decoder.js';
import { S3Error } from './s3-error.js';

/** Feeds `framed` in pieces of `step` bytes and collects the decoded output. */
async function decode(framed: string | Buffer, step: number): Promise<{ data: Buffer; trailers: Map<string, string> }> {
  const input = Buffer.from(framed);
  const pieces: Buffer[] = [];
  for (let i = 0; i < input.length; i += step) pieces.push(input.subarray(i, i + step));
  const decoder = new AwsChunkedDecoder({});
  const out: Buffer[] = [];
  await pipeline(
    Readable.from(pieces),
    decoder,
    new Writable({
      write(chunk: Buffer, _e, cb) {
        out.push(chunk);
        cb();
      },
    }),
  );
  return { data: Buffer.concat(out), trailers: new Map(decoder.trailers) };
}

const FRAMED = '5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n';

describe('AwsChunkedDecoder', () => {
  it.each([1, 3, 7, 1000])('decodes data and trailers whatever the packet boundaries (step %i)', async (step) => {
    const { data, trailers } = await decode(FRAMED, step);
    expect(data.toString()).toBe('hello world');
    expect(trailers.get('x-amz-checksum-crc32')).toBe('DUoRhQ==');
  });

  it('decodes a final chunk without trailers', async () => {
    expect((await decode('3\r\nabc\r\n0\r\n\r\n', 2)).data.toString()).toBe('abc');
  });

  it('fails with IncompleteBody when the body ends before the final chunk', async () => {
    await expect(decode('5\r\nhello\r\n6\r\n wo', 4)).rejects.toMatchObject({ code: 'IncompleteBody' });
  });

  it('fails on a bad chunk size or data longer than declared', async () => {
    await expect(decode('zz\r\nhello\r\n0\r\n\r\n', 100)).rejects.toBeInstanceOf(S3Error);
    await expect(decode('3\r\nhello\r\n0\r\n\r\n', 100)).rejects.toMatchObject({ code: 'InvalidChunkSizeError' });
  });

  it('requires chunk signatures when the request is signed per chunk', async () => {
    const decoder = new AwsChunkedDecoder({
      chain: { seedSignature: 'a'.repeat(64), signingKey: Buffer.alloc(32), amzDate: '20260101T000000Z', scope: 's' },
    });
    await expect(pipeline(Readable.from([Buffer.from('3\r\nabc\r\n0\r\n\r\n')]), decoder, new Writable({ write: (_c, _e, cb) => cb() }))).rejects.toMatchObject({
      code: 'SignatureDoesNotMatch',
    });
  });
});
