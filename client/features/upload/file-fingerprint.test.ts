import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { couldBeSameFile, FINGERPRINT_HEAD_BYTES, fingerprintFile, matchFingerprint } from './file-fingerprint.js';

function bytes(size: number, seed: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i += 1) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

describe('file fingerprint', () => {
  it('is name, size, last-modified and the SHA-256 of the first 8 MiB', async () => {
    const content = bytes(FINGERPRINT_HEAD_BYTES + 100, 1);
    const file = new File([content], 'a.bin', { lastModified: 1234 });
    const fingerprint = await fingerprintFile(file);
    expect(fingerprint).toEqual({
      name: 'a.bin',
      size: content.length,
      lastModified: 1234,
      headSha256: createHash('sha256').update(content.subarray(0, FINGERPRINT_HEAD_BYTES)).digest('hex'),
    });
  });

  it('matches the same file again, and says what differs for another', async () => {
    const content = bytes(1000, 1);
    const fingerprint = await fingerprintFile(new File([content], 'a.bin', { lastModified: 1000 }));
    expect(await matchFingerprint(fingerprint, new File([content], 'a.bin', { lastModified: 1000 }))).toEqual({ same: true });

    const otherBytes = await matchFingerprint(fingerprint, new File([bytes(1000, 2)], 'a.bin', { lastModified: 1000 }));
    expect(otherBytes).toEqual({ same: false, reason: expect.stringMatching(/content is different/) });
    const touched = await matchFingerprint(fingerprint, new File([content], 'a.bin', { lastModified: 2000 }));
    expect(touched).toEqual({ same: false, reason: expect.stringMatching(/^it was modified on /) });
    expect(await matchFingerprint(fingerprint, new File([content], 'b.bin', { lastModified: 1000 }))).toMatchObject({ same: false, reason: expect.stringMatching(/b\.bin/) });
    expect(await matchFingerprint(fingerprint, new File([bytes(999, 1)], 'a.bin', { lastModified: 1000 }))).toMatchObject({ same: false, reason: expect.stringMatching(/999 bytes/) });
  });

  it('only files of the same name and size could be the same file', async () => {
    const fingerprint = await fingerprintFile(new File([bytes(10, 1)], 'a.bin'));
    expect(couldBeSameFile(fingerprint, { name: 'a.bin', size: 10 })).toBe(true);
    expect(couldBeSameFile(fingerprint, { name: 'a.bin', size: 11 })).toBe(false);
    expect(couldBeSameFile(fingerprint, { name: 'A.bin', size: 10 })).toBe(false);
  });
});
