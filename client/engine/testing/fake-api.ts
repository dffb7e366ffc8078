import { createHash } from 'node:crypto';
import type { ChecksumMode, CompleteUploadRequest, CreateBatchFile, CreateUploadRequest, PartToSign, SignedPart, SingleUploadResponse, StoredPart } from '../../../shared/api.js';
import { bareEtag, looksLikeMd5Etag } from '../../../shared/checksum.js';
import { partLength, planWithPartSize } from '../../../shared/part-plan.js';
import type { Clock, UploadApi, UploadResult, UploadSession } from '../types.js';

export type ApiCall =
  | { method: 'create'; request: CreateUploadRequest }
  | { method: 'createSingle'; request: CreateBatchFile }
  | { method: 'sign'; uploadId: string; partNumbers: number[]; parts: PartToSign[] }
  | { method: 'listParts'; uploadId: string }
  | { method: 'complete'; uploadId: string; parts: { partNumber: number; etag: string }[]; expectedEtag: string | undefined }
  | { method: 'abort'; uploadId: string };

type Method = ApiCall['method'];

/**
 * Records every call and answers at once; `failNext` queues errors per method;
 * `stored` answers listParts. Complete answers the ETag a store computes from
 * the declared part ETags (md5 of their bytes, -N) when they are MD5s.
 */
export class FakeApi implements UploadApi {
  readonly calls: ApiCall[] = [];
  readonly #clock: Clock;
  /** Part size the fake server plans with. */
  partSize: number;
  /** Lifetime of signed URLs. */
  urlTtlMs = 15 * 60_000;
  stored: StoredPart[] = [];
  checksumMode: ChecksumMode = 'md5';
  etagIsMd5 = true;
  /** When set, complete answers this ETag instead of computing it. */
  completeEtag: string | undefined;
  readonly failNext = new Map<Method, unknown[]>();
  #uploads = 0;
  #signatures = 0;

  constructor(clock: Clock, partSize = 10) {
    this.#clock = clock;
    this.partSize = partSize;
  }

  callsOf<M extends Method>(method: M): Extract<ApiCall, { method: M }>[] {
    return this.calls.filter((call): call is Extract<ApiCall, { method: M }> => call.method === method);
  }

  fail(method: Method, error: unknown): void {
    const queue = this.failNext.get(method) ?? [];
    queue.push(error);
    this.failNext.set(method, queue);
  }

  async create(request: CreateUploadRequest): Promise<UploadSession> {
    this.calls.push({ method: 'create', request });
    this.#maybeFail('create');
    this.#uploads += 1;
    const { partCount } = planWithPartSize(request.size, this.partSize);
    return {
      uploadId: `upload-${this.#uploads}`,
      key: request.fileName,
      size: request.size,
      partSize: this.partSize,
      partCount,
      token: `token-${this.#uploads}`,
      expiresAt: this.#clock.now() + 86_400_000,
      checksum: { mode: this.checksumMode, etagIsMd5: this.etagIsMd5 },
    };
  }

  /** A single-PUT upload, its URL signed with the file's MD5 (as the batch route answers). */
  async createSingle(request: CreateBatchFile): Promise<SingleUploadResponse> {
    this.calls.push({ method: 'createSingle', request: { ...request } });
    this.#maybeFail('createSingle');
    this.#uploads += 1;
    return {
      uploadId: '',
      key: request.fileName,
      size: request.size,
      partSize: this.partSize,
      partCount: 1,
      token: `token-${this.#uploads}`,
      expiresAt: this.#clock.now() + 86_400_000,
      checksum: { mode: this.checksumMode, etagIsMd5: false },
      single: true,
      part: {
        partNumber: 1,
        url: `https://store.test/${request.fileName}?partNumber=1&sig=create-${this.#uploads}`,
        size: request.size,
        expiresAt: this.#clock.now() + this.urlTtlMs,
        headers: request.md5 === undefined ? {} : { 'Content-MD5': request.md5 },
      },
    };
  }

  async sign(session: UploadSession, parts: readonly PartToSign[]): Promise<SignedPart[]> {
    this.calls.push({ method: 'sign', uploadId: session.uploadId, partNumbers: parts.map((p) => p.partNumber), parts: parts.map((p) => ({ ...p })) });
    this.#maybeFail('sign');
    this.#signatures += 1;
    return parts.map(({ partNumber, md5 }): SignedPart => ({
      partNumber,
      url: `https://store.test/${session.key}?partNumber=${partNumber}&sig=${this.#signatures}`,
      size: partLength(session, partNumber),
      expiresAt: this.#clock.now() + this.urlTtlMs,
      headers: md5 === undefined ? {} : { 'Content-MD5': md5 },
    }));
  }

  async listParts(session: UploadSession): Promise<StoredPart[]> {
    this.calls.push({ method: 'listParts', uploadId: session.uploadId });
    this.#maybeFail('listParts');
    return this.stored;
  }

  async complete(session: UploadSession, { parts, expectedEtag }: CompleteUploadRequest): Promise<UploadResult> {
    this.calls.push({ method: 'complete', uploadId: session.uploadId, parts: parts.map((p) => ({ ...p })), expectedEtag });
    this.#maybeFail('complete');
    const etag = this.completeEtag ?? (session.single ? (parts[0]?.etag ?? '') : storeMultipartEtag(parts.map((p) => p.etag)));
    return { key: session.key, size: session.size, etag, downloadUrl: `https://store.test/${session.key}` };
  }

  async abort(session: UploadSession): Promise<void> {
    this.calls.push({ method: 'abort', uploadId: session.uploadId });
    this.#maybeFail('abort');
  }

  #maybeFail(method: Method): void {
    const error = this.failNext.get(method)?.shift();
    if (error !== undefined) throw error;
  }
}

/** What S3 answers for parts with these ETags: "<md5 of their binary MD5s>-N", or "final" when they are not MD5s. */
export function storeMultipartEtag(etags: readonly string[]): string {
  if (!etags.every(looksLikeMd5Etag)) return '"final"';
  const joined = Buffer.concat(etags.map((etag) => Buffer.from(bareEtag(etag), 'hex')));
  return `"${createHash('md5').update(joined).digest('hex')}-${etags.length}"`;
}

/** A named Blob of `size` bytes, as the engine takes files. */
export function fakeFile(name: string, size: number): Blob & { name: string } {
  return Object.assign(new Blob([new Uint8Array(size)]), { name });
}
