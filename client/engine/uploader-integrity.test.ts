import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { UploadSession } from './types.js';
import { ApiError, EtagMismatchError, FileReadError, IntegrityError, PartUploadError, PauseError } from './errors.js';
import { storeMultipartEtag } from './testing/fake-api.js';
import { createHarness, track } from './testing/engine-harness.js';
import { flush } from './testing/flush.js';
import type { FakeRequest, FakeTransport } from './testing/fake-transport.js';
import { md5Hex } from './testing/node-md5-hasher.js';

/** A file of distinct bytes, so every part has its own MD5. */
function patternFile(name: string, size: number): Blob & { name: string } {
  return Object.assign(new Blob([new Uint8Array(size).map((_, i) => (i * 7 + 3) % 251)]), { name });
}

async function partBytes(file: Blob, partNumber: number, partSize = 10): Promise<Uint8Array> {
  return new Uint8Array(await file.slice((partNumber - 1) * partSize, partNumber * partSize).arrayBuffer());
}

/** S3's multipart ETag of the file in 10-byte parts, computed independently of the engine. */
async function multipartEtagOf(file: Blob, partSize = 10): Promise<string> {
  const count = Math.max(1, Math.ceil(file.size / partSize));
  const digests: Buffer[] = [];
  for (let n = 1; n <= count; n += 1) digests.push(createHash('md5').update(await partBytes(file, n, partSize)).digest());
  return `${createHash('md5').update(Buffer.concat(digests)).digest('hex')}-${count}`;
}

/** Answers every PUT with success until none is left. */
async function answerAll(transport: FakeTransport, onRequest: (request: FakeRequest) => void = (r) => r.respond()): Promise<void> {
  for (;;) {
    const pending = await transport.takeAll();
    if (pending.length === 0) return;
    for (const request of pending) onRequest(request);
  }
}

const BAD_DIGEST = '<Error><Code>BadDigest</Code><Message>The Content-MD5 you specified did not match what we received.</Message></Error>';

describe('integrity: part MD5s the store enforces', () => {
  it("signs each part with its MD5, sends it as Content-MD5 and completes with the file's multipart ETag", async () => {
    const { uploader, transport, api } = createHarness({ concurrency: 2 });
    const file = patternFile('m.bin', 35);
    const done = track(uploader.upload(file));
    const seen: { partNumber: number; contentMd5: string | undefined }[] = [];
    await answerAll(transport, (request) => {
      seen.push({ partNumber: request.partNumber, contentMd5: request.headers['Content-MD5'] });
      request.respond();
    });
    expect(done.state).toBe('resolved');
    for (const { partNumber, contentMd5 } of seen) {
      expect(contentMd5).toBe(createHash('md5').update(await partBytes(file, partNumber)).digest('base64'));
    }
    const signed = api.callsOf('sign').flatMap((c) => c.parts);
    expect(signed.map((p) => p.partNumber).sort()).toEqual([1, 2, 3, 4]);
    expect(signed.every((p) => p.md5 !== undefined)).toBe(true);
    const [complete] = api.callsOf('complete');
    expect(complete?.expectedEtag).toBe(await multipartEtagOf(file));
    expect(done.value?.etag).toBe(`"${await multipartEtagOf(file)}"`);
  });

  it('with checksums off, signs no MD5, sends no Content-MD5, hashes nothing and sends no expectedEtag', async () => {
    const { uploader, transport, api, hasher } = createHarness({ concurrency: 2, checksumMode: 'off' });
    const done = track(uploader.upload(patternFile('o.bin', 25)));
    const headers: Record<string, string>[] = [];
    for (let n = 0; n < 3; n += 1) {
      const request = await transport.nextRequest();
      headers.push({ ...request.headers });
      request.respond();
    }
    await flush();
    expect(done.state).toBe('resolved');
    expect(headers).toEqual([{}, {}, {}]);
    expect(hasher.requests).toEqual([]);
    expect(api.callsOf('sign').flatMap((c) => c.parts).every((p) => p.md5 === undefined)).toBe(true);
    expect(api.callsOf('complete')[0]?.expectedEtag).toBeUndefined();
  });

  it('hashes ahead of the PUTs, at most two at a time, so a part never waits for its MD5 once running', async () => {
    const { uploader, transport, hasher } = createHarness({ concurrency: 2, partSize: 1 });
    const done = track(uploader.upload(patternFile('ahead.bin', 200)));
    const first = await transport.takeAll();
    expect(first.map((r) => r.partNumber).sort()).toEqual([1, 2]);
    // Look-ahead: a sign batch (100) plus the low water (2 × concurrency) beyond the two started, hashed before they are needed; not the whole file.
    expect(hasher.requests).toHaveLength(106);
    expect(hasher.maxInFlight).toBeLessThanOrEqual(2);
    const hashedBefore = hasher.requests.length;
    for (const request of first) request.respond();
    const next = await transport.takeAll();
    expect(next.map((r) => r.partNumber).sort()).toEqual([3, 4]);
    // Parts 3 and 4 went out on URLs signed ahead with MD5s hashed ahead: nothing was hashed for them on demand.
    expect(next.every((r) => r.signature !== '')).toBe(true);
    expect(hasher.requests.length).toBeGreaterThan(hashedBefore);
    for (const request of next) request.respond();
    await answerAll(transport);
    expect(done.state).toBe('resolved');
    // Every part once, plus the one hash of the concatenated digests.
    expect(hasher.requests).toHaveLength(201);
    expect(hasher.requests.at(-1)).toBe(200 * 16);
  });

  it('signs MD5-carrying parts in batches, not one call per digest', async () => {
    const { uploader, transport, api } = createHarness({ concurrency: 2, partSize: 1 });
    const done = track(uploader.upload(patternFile('batches.bin', 200)));
    await answerAll(transport);
    expect(done.state).toBe('resolved');
    const sizes = api.callsOf('sign').map((c) => c.partNumbers.length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(200);
    // The first parts sign alone (their MD5s arrive one by one); after that, batches of at least 2 × concurrency.
    expect(sizes.length).toBeLessThan(200 / 4);
  });

  it("a part's first attempt sends the slice it was hashed from (a slice costs the page's main thread), a retry a fresh one", async () => {
    const { uploader, transport, hasher, clock } = createHarness({ concurrency: 1, retryDelays: [100], random: () => 0.5 });
    const file = patternFile('same.bin', 20);
    const done = track(uploader.upload(file));
    const first = await transport.nextRequest();
    expect(hasher.blobs).toContain(first.body);
    first.respond({ status: 500, etag: null });
    await clock.advance(100);
    const again = await transport.nextRequest();
    expect(again.partNumber).toBe(first.partNumber);
    expect(hasher.blobs).not.toContain(again.body);
    expect([...new Uint8Array(await again.body.arrayBuffer())]).toEqual([...(await partBytes(file, first.partNumber))]);
    again.respond();
    await answerAll(transport);
    expect(done.state).toBe('resolved');
  });

  it('retries a part the store refused with BadDigest (the same slice, sent again) and completes', async () => {
    const { uploader, transport, api, clock } = createHarness({ concurrency: 1, retryDelays: [100, 200], random: () => 0.5 });
    const file = patternFile('flip.bin', 20);
    const done = track(uploader.upload(file));
    const first = await transport.nextRequest();
    first.progress(10);
    first.respond({ status: 400, etag: null, body: BAD_DIGEST });
    await clock.advance(100);
    const again = await transport.nextRequest();
    expect(again.partNumber).toBe(1);
    expect(again.headers['Content-MD5']).toBe(first.headers['Content-MD5']);
    expect([...new Uint8Array(await again.body.arrayBuffer())]).toEqual([...(await partBytes(file, 1))]);
    again.respond();
    (await transport.nextRequest()).respond();
    await flush();
    expect(done.state).toBe('resolved');
    expect(api.callsOf('abort')).toHaveLength(0);
  });

  it('BadDigest after a full send earns no fresh retries: when they are spent the upload fails and is aborted', async () => {
    const { uploader, transport, api, clock } = createHarness({ concurrency: 1, retryDelays: [100, 200], random: () => 0.5 });
    const done = track(uploader.upload(patternFile('bad.bin', 10)));
    for (const delay of [100, 200]) {
      const request = await transport.nextRequest();
      request.progress(10);
      request.respond({ status: 400, etag: null, body: BAD_DIGEST });
      await clock.advance(delay);
    }
    const last = await transport.nextRequest();
    last.progress(10);
    last.respond({ status: 400, etag: null, body: BAD_DIGEST });
    await flush();
    expect(done.state).toBe('rejected');
    expect(done.error).toBeInstanceOf(PartUploadError);
    expect(((done.error as PartUploadError).cause as Error).message).toContain('BadDigest');
    expect(api.callsOf('abort')).toHaveLength(1);
  });

  it('any other 400 is final (InvalidDigest means a malformed header, not bytes changed on the way)', async () => {
    const { uploader, transport } = createHarness({ concurrency: 1 });
    const done = track(uploader.upload(patternFile('inv.bin', 10)));
    (await transport.nextRequest()).respond({ status: 400, etag: null, body: '<Error><Code>InvalidDigest</Code></Error>' });
    await flush();
    expect(done.state).toBe('rejected');
    expect(done.error).toBeInstanceOf(PartUploadError);
  });

  it("retries a part whose answered ETag is an MD5 other than the part's own", async () => {
    const { uploader, transport, api, clock } = createHarness({ concurrency: 1, retryDelays: [100], random: () => 0.5 });
    const file = patternFile('etag.bin', 10);
    const done = track(uploader.upload(file));
    const first = await transport.nextRequest();
    first.respond({ etag: `"${md5Hex('other bytes')}"` });
    await clock.advance(100);
    const again = await transport.nextRequest();
    again.respond();
    await flush();
    expect(done.state).toBe('resolved');
    expect(api.callsOf('complete')[0]?.parts).toEqual([{ partNumber: 1, etag: `"${md5Hex(await partBytes(file, 1))}"` }]);
  });

  it('an ETag mismatch on every attempt fails the part with EtagMismatchError as the cause', async () => {
    const { uploader, transport, clock } = createHarness({ concurrency: 1, retryDelays: [100], random: () => 0.5 });
    const done = track(uploader.upload(patternFile('etag2.bin', 10)));
    (await transport.nextRequest()).respond({ etag: `"${md5Hex('x')}"` });
    await clock.advance(100);
    (await transport.nextRequest()).respond({ etag: `"${md5Hex('y')}"` });
    await flush();
    expect(done.state).toBe('rejected');
    expect((done.error as PartUploadError).cause).toBeInstanceOf(EtagMismatchError);
  });

  it('does not compare ETags the store says are not MD5s (SSE-KMS), but still signs Content-MD5', async () => {
    const { uploader, transport, api } = createHarness({ concurrency: 1 });
    api.etagIsMd5 = false;
    const file = patternFile('kms.bin', 10);
    const done = track(uploader.upload(file));
    const request = await transport.nextRequest();
    expect(request.headers['Content-MD5']).toBe(createHash('md5').update(await partBytes(file, 1)).digest('base64'));
    request.respond({ etag: '"kms-opaque-etag"' });
    await flush();
    expect(done.state).toBe('resolved');
    expect(api.callsOf('complete')[0]?.expectedEtag).toBe(await multipartEtagOf(file));
  });
});

describe('integrity: the whole object checked at complete', () => {
  it("fails with IntegrityError (never resolves as done) when complete answers an ETag that is not the file's", async () => {
    const { uploader, transport, api } = createHarness({ concurrency: 2 });
    api.completeEtag = `"${md5Hex('something else')}-2"`;
    const done = track(uploader.upload(patternFile('wrong.bin', 20)));
    for (const request of await transport.takeAll()) request.respond();
    await flush();
    expect(done.state).toBe('rejected');
    expect(done.error).toBeInstanceOf(IntegrityError);
    expect((done.error as Error).message).toMatch(/does not match yours/);
  });

  it("complete's checksum_mismatch (the server deleted the object) is final: no retry, the upload fails", async () => {
    const { uploader, transport, api, clock } = createHarness({ concurrency: 2 });
    api.fail('complete', new ApiError(422, 'checksum_mismatch', 'deleted'));
    const done = track(uploader.upload(patternFile('gone.bin', 20)));
    for (const request of await transport.takeAll()) request.respond();
    await clock.advance(10_000);
    expect(done.state).toBe('rejected');
    expect(done.error).toMatchObject({ code: 'checksum_mismatch' });
    expect(api.callsOf('complete')).toHaveLength(1);
  });

  it('a 0-byte file completes with the ETag of one empty part', async () => {
    const { uploader, transport, api } = createHarness();
    const done = track(uploader.upload(patternFile('empty.bin', 0)));
    const request = await transport.nextRequest();
    expect(request.headers['Content-MD5']).toBe(createHash('md5').digest('base64'));
    request.respond();
    await flush();
    expect(done.state).toBe('resolved');
    expect(api.callsOf('complete')[0]?.expectedEtag).toBe(storeMultipartEtag([md5Hex('')]).replaceAll('"', ''));
  });

  it('an unreadable file fails the upload with FileReadError and aborts it', async () => {
    const { uploader, api, hasher } = createHarness({ concurrency: 1 });
    hasher.md5 = () => Promise.reject(new DOMException('The file could not be read', 'NotReadableError'));
    const done = track(uploader.upload(patternFile('moved.bin', 20)));
    await flush();
    expect(done.state).toBe('rejected');
    expect(done.error).toBeInstanceOf(FileReadError);
    expect(api.callsOf('abort')).toHaveLength(1);
  });

  it('resume: hashes the stored parts too, re-sends one whose stored ETag is not its MD5 and completes with every part', async () => {
    const { uploader, transport, api } = createHarness({ concurrency: 2 });
    const file = patternFile('resume.bin', 40);
    const controller = new AbortController();
    let session: UploadSession | undefined;
    const first = track(uploader.upload(file, { signal: controller.signal, onSession: (s) => (session = s) }));
    await transport.takeAll();
    controller.abort(new PauseError());
    await flush();
    expect(first.error).toBeInstanceOf(PauseError);
    if (!session) throw new Error('no session');
    // Part 1 stored intact, part 2 stored with other bytes (its ETag is some other MD5).
    api.stored = [
      { partNumber: 1, size: 10, etag: `"${md5Hex(await partBytes(file, 1))}"` },
      { partNumber: 2, size: 10, etag: `"${md5Hex('not part 2')}"` },
    ];
    const resumed = track(uploader.upload(file, { session }));
    const sent: number[] = [];
    await answerAll(transport, (request) => {
      sent.push(request.partNumber);
      request.respond();
    });
    expect(resumed.state).toBe('resolved');
    expect(sent.sort()).toEqual([2, 3, 4]);
    const complete = api.callsOf('complete')[0];
    expect(complete?.parts.map((p) => p.partNumber)).toEqual([1, 2, 3, 4]);
    expect(complete?.parts[1]?.etag).toBe(`"${md5Hex(await partBytes(file, 2))}"`);
    expect(complete?.expectedEtag).toBe(await multipartEtagOf(file));
  });
});
