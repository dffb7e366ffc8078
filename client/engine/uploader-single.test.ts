import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ApiError, CancelError, PauseError } from './errors.js';
import type { UploadSession } from './types.js';
import { fakeFile } from './testing/fake-api.js';
import { createHarness, track } from './testing/engine-harness.js';
import { flush } from './testing/flush.js';

const md5Base64 = (size: number) => createHash('md5').update(new Uint8Array(size)).digest('base64');

describe('files that fit in one part', () => {
  it('go as one PUT with the URL from create (no sign call), their MD5 signed, then complete with that ETag', async () => {
    const { uploader, transport, api } = createHarness({ partSize: 10, singlePutMaxSize: 10 });
    const done = track(uploader.upload(fakeFile('small.bin', 7)));
    const [put] = await transport.takeAll();
    expect(api.callsOf('createSingle').map((c) => c.request)).toEqual([{ fileName: 'small.bin', size: 7, md5: md5Base64(7) }]);
    expect(put?.signature).toBe('create-1');
    expect(put?.headers).toEqual({ 'Content-MD5': md5Base64(7) });
    expect(put?.body.size).toBe(7);
    put?.respond();
    await flush();
    expect(done.state).toBe('resolved');
    expect(api.callsOf('create')).toHaveLength(0);
    expect(api.callsOf('sign')).toHaveLength(0);
    expect(api.callsOf('complete')).toEqual([{ method: 'complete', uploadId: '', parts: [{ partNumber: 1, etag: put?.storedEtag }], expectedEtag: undefined }]);
  });

  it('a larger file still goes multipart; with no singlePutMaxSize every file does', async () => {
    const sized = createHarness({ partSize: 10, singlePutMaxSize: 10 });
    track(sized.uploader.upload(fakeFile('big.bin', 11)));
    await sized.transport.takeAll();
    expect(sized.api.callsOf('createSingle')).toHaveLength(0);
    expect(sized.api.callsOf('create')).toHaveLength(1);

    const plain = createHarness({ partSize: 10 });
    track(plain.uploader.upload(fakeFile('small.bin', 3)));
    await plain.transport.takeAll();
    expect(plain.api.callsOf('createSingle')).toHaveLength(0);
    expect(plain.api.callsOf('create')).toHaveLength(1);
  });

  it('retries a failed PUT on the same URL, and re-signs by token with the same MD5 when the URL expired', async () => {
    const { uploader, transport, api, clock } = createHarness({ partSize: 10, singlePutMaxSize: 10 });
    const done = track(uploader.upload(fakeFile('retry.bin', 5)));
    (await transport.takeAll())[0]?.respond({ status: 503 });
    await clock.advance(100);
    const [second] = await transport.takeAll();
    expect(second?.signature).toBe('create-1');
    second?.respond({ status: 403, body: '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>' });
    await flush();
    const [third] = await transport.takeAll();
    expect(api.callsOf('sign').map((c) => c.parts)).toEqual([[{ partNumber: 1, md5: md5Base64(5) }]]);
    expect(third?.signature).not.toBe('create-1');
    third?.respond();
    await flush();
    expect(done.state).toBe('resolved');
  });

  it('a refused create fails the file without a PUT; cancel mid-PUT aborts it and asks the server to delete the object', async () => {
    const { uploader, transport, api } = createHarness({ partSize: 10, singlePutMaxSize: 10 });
    api.fail('createSingle', new ApiError(415, 'content_type_not_allowed', 'no'));
    const refused = track(uploader.upload(fakeFile('refused.bin', 4)));
    await flush();
    expect(refused.state).toBe('rejected');
    expect(transport.requests).toHaveLength(0);

    const controller = new AbortController();
    const cancelled = track(uploader.upload(fakeFile('cancel.bin', 4), { signal: controller.signal }));
    const [put] = await transport.takeAll();
    controller.abort(new CancelError());
    await flush();
    expect(put?.aborted).toBe(true);
    expect(cancelled.error).toBeInstanceOf(CancelError);
    expect(api.callsOf('abort')).toEqual([{ method: 'abort', uploadId: '' }]);
  });

  it('pause keeps the session; resume PUTs again by re-signing, with no second create', async () => {
    const { uploader, transport, api } = createHarness({ partSize: 10, singlePutMaxSize: 10 });
    const controller = new AbortController();
    let session: UploadSession | undefined;
    const file = fakeFile('pause.bin', 6);
    const paused = track(uploader.upload(file, { signal: controller.signal, onSession: (s) => (session = s) }));
    await transport.takeAll();
    controller.abort(new PauseError());
    await flush();
    expect(paused.error).toBeInstanceOf(PauseError);
    expect(session?.single).toBe(true);
    const resumed = track(uploader.upload(file, { ...(session && { session }) }));
    const [put] = await transport.takeAll();
    expect(api.callsOf('sign')).toHaveLength(1);
    put?.respond();
    await flush();
    expect(resumed.state).toBe('resolved');
    expect(api.callsOf('createSingle')).toHaveLength(1);
  });

  it('are not held back by the open-upload limit (they open nothing on the store), while multipart files still are', async () => {
    const { uploader, transport, api } = createHarness({ partSize: 10, singlePutMaxSize: 10, concurrency: 1, maxOpenUploads: 1 });
    const big = [track(uploader.upload(fakeFile('big-1.bin', 20))), track(uploader.upload(fakeFile('big-2.bin', 20)))];
    const small = Array.from({ length: 5 }, (_, i) => track(uploader.upload(fakeFile(`small-${i}.bin`, 5))));
    await flush();
    expect(api.callsOf('create')).toHaveLength(1);
    expect(api.callsOf('createSingle')).toHaveLength(5);
    for (;;) {
      const pending = await transport.pending();
      if (pending.length === 0) break;
      (await transport.nextRequest()).respond();
    }
    await flush();
    expect([...big, ...small].map((u) => u.state)).toEqual(Array(7).fill('resolved'));
    expect(api.callsOf('create')).toHaveLength(2);
  });

  it('keeps at most maxSinglePutsUnderway small files on their way; the next is created when one completes', async () => {
    const { uploader, transport, api } = createHarness({ partSize: 10, singlePutMaxSize: 10, concurrency: 3, maxSinglePutsUnderway: 2 });
    const files = Array.from({ length: 3 }, (_, i) => track(uploader.upload(fakeFile(`s-${i}.bin`, 5))));
    await flush();
    expect(api.callsOf('createSingle').map((c) => c.request.fileName)).toEqual(['s-0.bin', 's-1.bin']);
    for (const put of await transport.takeAll()) put.respond();
    await flush();
    expect(files.slice(0, 2).map((u) => u.state)).toEqual(['resolved', 'resolved']);
    expect(api.callsOf('createSingle').map((c) => c.request.fileName)).toEqual(['s-0.bin', 's-1.bin', 's-2.bin']);
    (await transport.nextRequest()).respond();
    await flush();
    expect(files[2]?.state).toBe('resolved');
  });

  it("completes a stored small file together with the others still being sent, waiting at most a second for them", async () => {
    const { uploader, transport, api, clock } = createHarness({ partSize: 10, singlePutMaxSize: 10, concurrency: 3 });
    const files = Array.from({ length: 3 }, (_, i) => track(uploader.upload(fakeFile(`g-${i}.bin`, 5))));
    const [first, second, third] = await transport.takeAll();
    first?.respond();
    second?.respond();
    await flush();
    // g-2 is still being sent: the two stored files wait to share its complete call.
    expect(api.callsOf('complete')).toHaveLength(0);
    third?.respond();
    await flush();
    expect(api.callsOf('complete')).toHaveLength(3);
    expect(files.map((u) => u.state)).toEqual(['resolved', 'resolved', 'resolved']);

    const slow = track(uploader.upload(fakeFile('slow.bin', 5)));
    const quick = track(uploader.upload(fakeFile('quick.bin', 5)));
    const [slowPut, quickPut] = await transport.takeAll();
    quickPut?.respond();
    await flush();
    expect(quick.state).toBe('pending');
    await clock.advance(999);
    expect(quick.state).toBe('pending');
    await clock.advance(1);
    await flush();
    expect(quick.state).toBe('resolved');
    slowPut?.respond();
    await flush();
    expect(slow.state).toBe('resolved');
  });

  it('sends a file that is one part as it is, not a slice of it', async () => {
    const { uploader, transport } = createHarness({ partSize: 10, singlePutMaxSize: 10 });
    const file = fakeFile('whole.bin', 8);
    const done = track(uploader.upload(file));
    const [put] = await transport.takeAll();
    expect(put?.body).toBe(file);
    put?.respond();
    await flush();
    expect(done.state).toBe('resolved');
  });
});
