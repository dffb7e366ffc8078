/**
 * Checksum rules shared by the browser and the server: how a part's MD5 is
 * written (Content-MD5 base64, ETag hex), how S3 derives a multipart object's
 * ETag from its parts' MD5s, and how ETags compare. Pure; the MD5 function is
 * the caller's (a Web Worker in the browser, node:crypto on the server).
 */

const HEX_MD5 = /^[0-9a-f]{32}$/;

export function bytesToHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

export function hexToBytes(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new Error(`not hex: ${hex.slice(0, 40)}`);
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/** Base64 of the digest bytes, as the Content-MD5 header carries it. */
export function toContentMd5(digest: Uint8Array): string {
  let binary = '';
  for (const byte of digest) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function fromContentMd5(contentMd5: string): Uint8Array {
  return Uint8Array.from(atob(contentMd5), (c) => c.charCodeAt(0));
}

/** An ETag without quotes, weak marker or case: stores and browsers differ in all three. */
export function bareEtag(etag: string): string {
  return etag.trim().replace(/^W\//, '').replace(/^"|"$/g, '').toLowerCase();
}

export function sameEtag(a: string, b: string): boolean {
  return bareEtag(a) === bareEtag(b);
}

/** Whether an ETag has the shape of a single-part MD5 (32 hex digits); SSE-KMS ETags do too, so this is not proof. */
export function looksLikeMd5Etag(etag: string): boolean {
  return HEX_MD5.test(bareEtag(etag));
}

/** The bytes S3 hashes for a multipart ETag: the parts' binary MD5s, in part order. */
export function concatPartDigests(digests: readonly Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(digests.length * 16);
  digests.forEach((digest, i) => {
    if (digest.length !== 16) throw new Error(`part ${i + 1}: an MD5 digest has 16 bytes, got ${digest.length}`);
    joined.set(digest, i * 16);
  });
  return joined;
}

/** "<hex MD5 of concatPartDigests>-<part count>", as S3 reports a multipart object's ETag. */
export function formatMultipartEtag(md5OfDigests: Uint8Array, partCount: number): string {
  return `${bytesToHex(md5OfDigests)}-${partCount}`;
}
