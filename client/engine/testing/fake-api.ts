import type { CreateUploadRequest, SignedPart, StoredPart } from '../../../shared/api.js';
import { partLength, planWithPartSize } from '../../../shared/part-plan.js';
import type { Clock, UploadApi, UploadResult, UploadSession } from '../types.js';

export type ApiCall =
  | { method: 'create'; request: CreateUploadRequest }
  | { method: 'sign'; uploadId: string; partNumbers: number[] }
  | { method: 'listParts'; uploadId: string }
  | { method: 'complete'; uploadId: string; parts: { partNumber: number; etag: string }[] }
  | { method: 'abort'; uploadId: string };

type Method = ApiCall['method'];

/** Records every call and answers at once; `failNext` queues errors per method; `stored` answers listParts. */
export class FakeApi implements UploadApi {
  readonly calls: ApiCall[] = [];
  readonly #clock: Clock;
  /** Part size the fake server plans with. */
  partSize: number;
  /** Lifetime of signed URLs. */
  urlTtlMs = 15 * 60_000;
  stored: StoredPart[] = [];
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
    };
  }

  async sign(session: UploadSession, partNumbers: readonly number[]): Promise<SignedPart[]> {
    this.calls.push({ method: 'sign', uploadId: session.uploadId, partNumbers: [...partNumbers] });
    this.#maybeFail('sign');
    this.#signatures += 1;
    return partNumbers.map((partNumber) => ({
      partNumber,
      url: `https://store.test/${session.key}?partNumber=${partNumber}&sig=${this.#signatures}`,
      size: partLength(session, partNumber),
      expiresAt: this.#clock.now() + this.urlTtlMs,
    }));
  }

  async listParts(session: UploadSession): Promise<StoredPart[]> {
    this.calls.push({ method: 'listParts', uploadId: session.uploadId });
    this.#maybeFail('listParts');
    return this.stored;
  }

  async complete(session: UploadSession, parts: readonly { partNumber: number; etag: string }[]): Promise<UploadResult> {
    this.calls.push({ method: 'complete', uploadId: session.uploadId, parts: parts.map((p) => ({ ...p })) });
    this.#maybeFail('complete');
    return { key: session.key, size: session.size, etag: '"final"', downloadUrl: `https://store.test/${session.key}` };
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

/** A named Blob of `size` bytes, as the engine takes files. */
export function fakeFile(name: string, size: number): Blob & { name: string } {
  return Object.assign(new Blob([new Uint8Array(size)]), { name });
}
