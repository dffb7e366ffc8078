/**
 * The peer in the browser: Uppy 5 (@uppy/core + @uppy/aws-s3 5.x, the last
 * major that sends one file's parts in parallel) wired to this app's own API,
 * 6 requests at once, 8 MiB parts. Built by bench/lib/uppy-run.ts into one
 * script for a bare page on the app's origin; never part of the product bundle.
 *
 * `window.benchUppy()` uploads the files chosen in the page's input and
 * resolves with the time from the input's change event to Uppy's `complete`.
 */
import { md5 } from 'hash-wasm';
import Uppy from '@uppy/core';
import AwsS3 from '@uppy/aws-s3';
import type { AwsS3Part } from '@uppy/aws-s3';
import type { CompleteUploadResponse, CreateUploadResponse, ListPartsResponse, SignPartsResponse } from '../../shared/api.js';
import { API_ROUTES, UPLOAD_TOKEN_HEADER } from '../../shared/api.js';
import { concatPartDigests, formatMultipartEtag, hexToBytes, toContentMd5 } from '../../shared/checksum.js';
import { UPPY_CONCURRENCY, UPPY_PART_SIZE } from './uppy-settings.js';
import type { UppyBenchResult } from './uppy-settings.js';


class ApiCallError extends Error {
  override name = 'ApiCallError';
}

async function api<T>(method: string, path: string, token: string | null, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token !== null) headers[UPLOAD_TOKEN_HEADER] = token;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? null : JSON.stringify(body), signal: signal ?? null });
  const text = await response.text();
  if (!response.ok) throw new ApiCallError(`${method} ${path}: ${response.status} ${text.slice(0, 200)}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

let changeAt: number | null = null;
const input = document.querySelector('input[type=file]');
if (!(input instanceof HTMLInputElement)) throw new Error('the Uppy bench page needs <input type=file>');
input.addEventListener('change', () => (changeAt ??= performance.now()), true);

function createUppy(storedKeys: string[]): Uppy {
  // Upload tokens by upload id: Uppy hands only { uploadId, key } to the later calls.
  const tokens = new Map<string, string>();
  // Each part's MD5 by upload id: the app's API (CHECKSUM_MODE=md5, its default) signs them and checks the object's ETag.
  const digests = new Map<string, Map<number, Uint8Array>>();
  const tokenOf = (uploadId: string | undefined): string => {
    const token = uploadId === undefined ? undefined : tokens.get(uploadId);
    if (token === undefined) throw new ApiCallError(`no token for upload ${uploadId}`);
    return token;
  };
  const uppy = new Uppy({ autoProceed: false });
  uppy.use(AwsS3, {
    limit: UPPY_CONCURRENCY,
    // Every file through the app's multipart API: it is the API this app offers for any size.
    shouldUseMultipart: true,
    getChunkSize: () => UPPY_PART_SIZE,
    async createMultipartUpload(file) {
      const created = await api<CreateUploadResponse>('POST', API_ROUTES.uploads, null, {
        fileName: file.name ?? 'file',
        size: file.size ?? 0,
        contentType: file.type || 'application/octet-stream',
      });
      tokens.set(created.uploadId, created.token);
      return { uploadId: created.uploadId, key: created.key };
    },
    async signPart(_file, { uploadId, partNumber, body, signal }) {
      const digest = hexToBytes(await md5(new Uint8Array(await body.arrayBuffer())));
      const byPart = digests.get(uploadId) ?? new Map<number, Uint8Array>();
      byPart.set(partNumber, digest);
      digests.set(uploadId, byPart);
      const request = { parts: [{ partNumber, md5: toContentMd5(digest) }] };
      const { parts } = await api<SignPartsResponse>('POST', API_ROUTES.sign, tokenOf(uploadId), request, signal);
      const part = parts[0];
      if (part === undefined) throw new ApiCallError(`sign answered no URL for part ${partNumber}`);
      return { method: 'PUT', url: part.url, headers: part.headers };
    },
    async listParts(_file, { uploadId, signal }): Promise<AwsS3Part[]> {
      const { parts } = await api<ListPartsResponse>('GET', API_ROUTES.parts, tokenOf(uploadId), undefined, signal);
      return parts.map((part) => ({ PartNumber: part.partNumber, Size: part.size, ETag: part.etag }));
    },
    async completeMultipartUpload(_file, { uploadId, parts, signal }) {
      const declared = parts.map((part) => ({ partNumber: part.PartNumber ?? 0, etag: part.ETag ?? '' })).sort((a, b) => a.partNumber - b.partNumber);
      const byPart = digests.get(uploadId) ?? new Map<number, Uint8Array>();
      const ordered = declared.map((part) => byPart.get(part.partNumber) ?? new Uint8Array(16));
      const expectedEtag = formatMultipartEtag(hexToBytes(await md5(concatPartDigests(ordered))), ordered.length);
      const done = await api<CompleteUploadResponse>('POST', API_ROUTES.complete, tokenOf(uploadId), { parts: declared, expectedEtag }, signal);
      digests.delete(uploadId);
      storedKeys.push(done.key);
      return { location: done.downloadUrl };
    },
    async abortMultipartUpload(_file, { uploadId, signal }) {
      await api<void>('DELETE', API_ROUTES.uploads, tokenOf(uploadId), undefined, signal);
    },
  });
  return uppy;
}

async function benchUppy(): Promise<UppyBenchResult> {
  const chosen = [...(input as HTMLInputElement).files ?? []];
  const keys: string[] = [];
  const uppy = createUppy(keys);
  uppy.addFiles(chosen.map((file) => ({ name: file.name, type: file.type, data: file, source: 'bench' })));
  const result = await uppy.upload();
  const doneAt = performance.now();
  if (changeAt === null) throw new Error('no change event on the file input');
  const successful = result?.successful ?? [];
  return {
    files: successful.length,
    bytes: successful.reduce((sum, file) => sum + (file.size ?? 0), 0),
    totalMs: doneAt - changeAt,
    keys,
    failed: (result?.failed ?? []).map((file) => `${file.name}: ${String(file.error)}`),
  };
}

(window as unknown as { benchUppy: typeof benchUppy }).benchUppy = benchUppy;
