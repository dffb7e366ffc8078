/**
 * Multipart upload as the app uses it, pinned to AWS S3's documented behaviour.
 * Where a backend deviates, `backend.quirks` names the deviation and the test
 * asserts it explicitly.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  type CompletedPart,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient } from '../testing/test-client.js';
import { startBackends } from '../testing/s3-backends.js';
import { MiB, body, createUpload, multipartEtag, partEtag, putPart, s3ErrorOf, signPart, uniqueKey, uploadPart } from './s3-fixtures.js';

const backends = await startBackends();
afterAll(() => Promise.all(backends.map((b) => b.close())));

describe.each(backends)('$name', (backend) => {
  const s3 = createTestClient(backend);
  const bucket = backend.bucket;
  afterAll(() => s3.destroy());

  async function newUpload(prefix: string) {
    const key = uniqueKey(prefix);
    return { bucket, key, uploadId: await createUpload(s3, bucket, key) };
  }

  function complete(target: { key: string; uploadId: string }, parts: CompletedPart[]) {
    return s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: target.key, UploadId: target.uploadId, MultipartUpload: { Parts: parts } }));
  }

  it('CreateMultipartUpload answers with an upload id for the bucket and key', async () => {
    const key = uniqueKey('create');
    const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: 'video/mp4' }));
    expect(created.UploadId).toMatch(/\S/);
    expect(created.Bucket).toBe(bucket);
    expect(created.Key).toBe(key);
  });

  describe('UploadPart via presigned URL', () => {
    it('stores a part of the signed length; its ETag is the quoted MD5', async () => {
      const target = await newUpload('part');
      const data = body(64 * 1024);
      const response = await putPart(await signPart(s3, target, 1, data.length), data);
      expect(response.status).toBe(200);
      expect(response.headers.get('etag')).toBe(partEtag(data));
    });

    it('refuses a body whose length differs from the signed content-length', async () => {
      const target = await newUpload('part-length');
      const url = await signPart(s3, target, 1, 1000);
      for (const size of [999, 1001]) {
        const refused = await s3ErrorOf(await putPart(url, body(size)));
        expect(refused.status).toBe(403);
      }
      const parts = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: target.key, UploadId: target.uploadId }));
      expect(parts.Parts ?? []).toEqual([]);
    });

    it('replaces a part uploaded again under the same number', async () => {
      const target = await newUpload('part-again');
      await uploadPart(s3, target, 1, body(100));
      const second = body(200);
      await uploadPart(s3, target, 1, second);
      const { Parts = [] } = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: target.key, UploadId: target.uploadId }));
      expect(Parts.map((p) => [p.PartNumber, p.Size, p.ETag])).toEqual([[1, 200, partEtag(second)]]);
    });
  });

  it('ListParts gives number, size and ETag, paginated by max-parts and part-number-marker', async () => {
    const target = await newUpload('list-parts');
    const datas = [body(1000), body(2000), body(3000)];
    // Upload out of order: the listing is by part number regardless.
    for (const i of [2, 0, 1]) await uploadPart(s3, target, i + 1, datas[i]!);
    const expected = datas.map((d, i) => [i + 1, d.length, partEtag(d)]);
    const list = (marker?: string) =>
      s3.send(new ListPartsCommand({ Bucket: bucket, Key: target.key, UploadId: target.uploadId, MaxParts: 2, ...(marker !== undefined && { PartNumberMarker: marker }) }));

    const first = await list();
    expect(first.IsTruncated).toBe(true);
    expect(first.MaxParts).toBe(2);
    expect(first.Parts?.map((p) => [p.PartNumber, p.Size, p.ETag])).toEqual(expected.slice(0, 2));
    expect(first.NextPartNumberMarker).toBe('2');
    expect(first.Parts?.[0]?.LastModified).toBeInstanceOf(Date);

    const second = await list(first.NextPartNumberMarker);
    expect(second.IsTruncated).toBe(false);
    expect(second.Parts?.map((p) => [p.PartNumber, p.Size, p.ETag])).toEqual(expected.slice(2));
  });

  it('ListMultipartUploads filters by prefix, reports Initiated, and paginates', async () => {
    const prefix = uniqueKey('lmu').replace(/\.bin$/, '/');
    const before = Date.now();
    const a = await newUpload(`${prefix}a`);
    const b = await newUpload(`${prefix}b`);
    await newUpload(`${prefix.slice(0, -1)}-other/c`); // shares the prefix without its slash: not listed

    const all = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }));
    expect(all.Uploads?.map((u) => [u.Key, u.UploadId]).sort()).toEqual([[a.key, a.uploadId], [b.key, b.uploadId]].sort());
    for (const upload of all.Uploads ?? []) {
      expect(upload.Initiated).toBeInstanceOf(Date);
      expect(upload.Initiated!.getTime()).toBeGreaterThan(before - 60_000);
      expect(upload.Initiated!.getTime()).toBeLessThan(Date.now() + 60_000);
    }

    const page1 = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix, MaxUploads: 1 }));
    expect(page1.IsTruncated).toBe(true);
    expect(page1.Uploads).toHaveLength(1);
    expect(page1.NextKeyMarker).toBe(page1.Uploads?.[0]?.Key);
    expect(page1.NextUploadIdMarker).toBe(page1.Uploads?.[0]?.UploadId);
    const page2 = await s3.send(
      new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix, MaxUploads: 1, KeyMarker: page1.NextKeyMarker, UploadIdMarker: page1.NextUploadIdMarker }),
    );
    expect(page2.IsTruncated).toBe(false);
    expect([...(page1.Uploads ?? []), ...(page2.Uploads ?? [])].map((u) => u.Key).sort()).toEqual([a.key, b.key].sort());
  });

  describe('CompleteMultipartUpload', () => {
    const parts = [body(5 * MiB), body(1 * MiB + 17)];
    const whole = Buffer.concat(parts);
    let key = '';

    beforeAll(async () => {
      const target = await newUpload('complete');
      key = target.key;
      const etags = await Promise.all(parts.map((p, i) => uploadPart(s3, target, i + 1, p)));
      const completed = await complete(target, etags.map((ETag, i) => ({ PartNumber: i + 1, ETag })));
      expect(completed.Key).toBe(key);
      if (backend.quirks.completeEtagMissing) {
        // RGW 16.2: the Complete response's ETag is empty; HeadObject has it.
        expect(completed.ETag ?? '').toBe('');
      } else {
        expect(completed.ETag).toBe(multipartEtag(parts));
      }
    });

    it('stores the parts in order; HeadObject gives size and the multipart ETag', async () => {
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      expect(head.ContentLength).toBe(whole.length);
      expect(head.ETag).toBe(multipartEtag(parts));
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(whole)).toBe(true);
    });

    it('serves byte ranges across the part boundary (206, Content-Range)', async () => {
      const start = 5 * MiB - 10;
      const end = 5 * MiB + 9;
      const range = await fetch(await presignedGet(key), { headers: { Range: `bytes=${start}-${end}` } });
      expect(range.status).toBe(206);
      expect(range.headers.get('content-range')).toBe(`bytes ${start}-${end}/${whole.length}`);
      expect(Buffer.from(await range.arrayBuffer()).equals(whole.subarray(start, end + 1))).toBe(true);

      const tail = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: 'bytes=-100' }));
      expect(tail.ContentRange).toBe(`bytes ${whole.length - 100}-${whole.length - 1}/${whole.length}`);
      expect(Buffer.from(await tail.Body!.transformToByteArray()).equals(whole.subarray(-100))).toBe(true);
    });

    it('forgets the upload once completed: not listed, ListParts answers NoSuchUpload', async () => {
      const target = await newUpload('complete-once');
      const data = body(10);
      const etag = await uploadPart(s3, target, 1, data);
      await complete(target, [{ PartNumber: 1, ETag: etag }]);
      const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: target.key }));
      expect(uploads.Uploads ?? []).toEqual([]);
      // RGW 16.2 answers NoSuchKey here too, as after an abort.
      await expect(s3.send(new ListPartsCommand({ Bucket: bucket, Key: target.key, UploadId: target.uploadId }))).rejects.toMatchObject({
        name: backend.quirks.listPartsAfterAbortCode,
        $metadata: { httpStatusCode: 404 },
      });
    });

    it('fails with InvalidPart for a wrong ETag', async () => {
      const target = await newUpload('invalid-part-etag');
      await uploadPart(s3, target, 1, body(100));
      await expect(complete(target, [{ PartNumber: 1, ETag: partEtag(body(100)) }])).rejects.toMatchObject({
        name: 'InvalidPart',
        $metadata: { httpStatusCode: 400 },
      });
    });

    it('fails with InvalidPart for a part never uploaded', async () => {
      const target = await newUpload('invalid-part-missing');
      const etag = await uploadPart(s3, target, 1, body(100));
      await expect(complete(target, [{ PartNumber: 2, ETag: etag }])).rejects.toMatchObject({
        name: 'InvalidPart',
        $metadata: { httpStatusCode: 400 },
      });
    });

    it('fails with InvalidPartOrder for parts not in ascending order', async () => {
      const target = await newUpload('invalid-part-order');
      const datas = [body(5 * MiB), body(100)];
      const etags = await Promise.all(datas.map((d, i) => uploadPart(s3, target, i + 1, d)));
      const reversed = complete(target, [
        { PartNumber: 2, ETag: etags[1] },
        { PartNumber: 1, ETag: etags[0] },
      ]);
      if (backend.quirks.acceptsOutOfOrderComplete) {
        // RGW 16.2 sorts the list and completes instead of refusing it.
        await reversed;
        const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: target.key }));
        expect(head.ETag).toBe(multipartEtag(datas));
      } else {
        await expect(reversed).rejects.toMatchObject({ name: 'InvalidPartOrder', $metadata: { httpStatusCode: 400 } });
      }
    });

    it('fails with EntityTooSmall when a part other than the last is under 5 MiB', async () => {
      const target = await newUpload('too-small');
      const etags = [await uploadPart(s3, target, 1, body(5 * MiB - 1)), await uploadPart(s3, target, 2, body(100))];
      await expect(complete(target, etags.map((ETag, i) => ({ PartNumber: i + 1, ETag })))).rejects.toMatchObject({
        name: 'EntityTooSmall',
        $metadata: { httpStatusCode: 400 },
      });
    });

    it('fails with NoSuchUpload for an unknown upload id', async () => {
      const key = uniqueKey('no-such-upload');
      await expectCompleteUnknownUpload(complete({ key, uploadId: 'no-such-upload-id' }, [{ PartNumber: 1, ETag: partEtag(body(1)) }]));
    });
  });

  describe('AbortMultipartUpload', () => {
    it('makes UploadPart, ListParts and Complete answer NoSuchUpload, and drops it from ListMultipartUploads', async () => {
      const target = await newUpload('abort');
      const etag = await uploadPart(s3, target, 1, body(100));
      const url = await signPart(s3, target, 2, 100);
      await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: target.key, UploadId: target.uploadId }));

      const put = await s3ErrorOf(await putPart(url, body(100)));
      expect(put).toMatchObject({ status: 404, code: 'NoSuchUpload' });

      // RGW 16.2 answers ListParts for an aborted upload with NoSuchKey.
      await expect(s3.send(new ListPartsCommand({ Bucket: bucket, Key: target.key, UploadId: target.uploadId }))).rejects.toMatchObject({
        name: backend.quirks.listPartsAfterAbortCode,
        $metadata: { httpStatusCode: 404 },
      });
      await expectCompleteUnknownUpload(complete(target, [{ PartNumber: 1, ETag: etag }]));
      const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: target.key }));
      expect(uploads.Uploads ?? []).toEqual([]);
    });
  });

  async function expectCompleteUnknownUpload(completion: Promise<unknown>) {
    if (backend.quirks.completeUnknownUploadCode === 'InternalError') {
      // RGW 16.2: 500 InternalError "This multipart completion is already in progress".
      await expect(completion).rejects.toMatchObject({ name: 'InternalError', $metadata: { httpStatusCode: 500 } });
    } else {
      await expect(completion).rejects.toMatchObject({ name: 'NoSuchUpload', $metadata: { httpStatusCode: 404 } });
    }
  }

  async function presignedGet(key: string): Promise<string> {
    return getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: 60 });
  }
});
