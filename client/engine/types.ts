/**
 * The engine's seams and its progress data. The engine talks only to these
 * interfaces; the browser wires in XHR and fetch, tests wire in scripted fakes.
 */
import type {
  CreateBatchFile,
  SingleUploadResponse,
  CompleteUploadRequest,
  CompleteUploadResponse,
  CreateUploadRequest,
  CreateUploadResponse,
  PartToSign,
  SignedPart,
  StoredPart,
} from '../../shared/api.js';

export type UploadSession = CreateUploadResponse;
export type UploadResult = CompleteUploadResponse;

/** The server API, as the engine needs it. */
export interface UploadApi {
  create(request: CreateUploadRequest, signal?: AbortSignal): Promise<UploadSession>;
  /** Creates a single-PUT upload of a file that fits in one part, its PutObject URL signed (many such calls share one request); absent when the API has no batch route. */
  createSingle?(request: CreateBatchFile, signal?: AbortSignal): Promise<SingleUploadResponse>;
  /** Each part carries its md5 (Content-MD5 base64) when the upload's checksum mode is md5. */
  sign(session: UploadSession, parts: readonly PartToSign[], signal?: AbortSignal): Promise<SignedPart[]>;
  listParts(session: UploadSession, signal?: AbortSignal): Promise<StoredPart[]>;
  complete(session: UploadSession, request: CompleteUploadRequest, signal?: AbortSignal): Promise<UploadResult>;
  abort(session: UploadSession, signal?: AbortSignal): Promise<void>;
}

export interface TransportResponse {
  status: number;
  /** The ETag response header, or null when it cannot be read (CORS does not expose it). */
  etag: string | null;
  /** Response body text, for S3 error codes such as "Request has expired". */
  body: string;
}

export interface PutOptions {
  signal: AbortSignal;
  /**
   * Bytes of the body sent so far. Omitted: the request reports no upload progress (for XHR, no upload
   * listener, so the browser does not even send the page progress messages).
   */
  onProgress?: ((sentBytes: number) => void) | undefined;
  /** Headers signed into the URL (Content-MD5): sent exactly as given. */
  headers?: Readonly<Record<string, string>> | undefined;
}

/** One HTTP PUT of a part. Rejects with a NetworkError on a failed connection, with signal.reason on abort. */
export interface Transport {
  put(url: string, body: Blob, options: PutOptions): Promise<TransportResponse>;
}

/**
 * Computes MD5 digests off the main thread (the browser wires a pool of Web
 * Workers; tests wire node:crypto). Reads the blob itself, so a part's bytes
 * are read from disk, not held in memory.
 */
export interface PartHasher {
  /** The 16 digest bytes; rejects with signal.reason on abort, with an error when the blob cannot be read. */
  md5(blob: Blob, signal?: AbortSignal): Promise<Uint8Array>;
}

export interface Clock {
  now(): number;
  /** Resolves after ms; rejects with signal.reason when the signal aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export type PartState = 'queued' | 'signing' | 'uploading' | 'retrying' | 'done' | 'failed';

export interface PartProgress {
  readonly partNumber: number;
  readonly size: number;
  readonly sentBytes: number;
  readonly state: PartState;
}

export interface UploadProgress {
  readonly transferredBytes: number;
  readonly totalBytes: number;
  /** Smoothed throughput; 0 until measured. */
  readonly bytesPerSecond: number;
  /** Seconds left at the smoothed speed, or null when unknown. */
  readonly etaSeconds: number | null;
  /** What the upload is waiting for instead of moving: the browser's network, the store, or the upload server; null while it moves. */
  readonly waitingFor: WaitingFor | null;
  readonly parts: readonly PartProgress[];
}

export type WaitingFor = 'network' | 'storage' | 'server';

/** Whether the browser is online; the engine starts no attempt while offline. */
export interface NetworkStatus {
  isOnline(): boolean;
  /** Resolves once online (at once when already online); rejects with signal.reason on abort. */
  waitOnline(signal?: AbortSignal): Promise<void>;
}

/** Where an upload waits when the server says the login is missing or expired. */
export interface SignInGate {
  /** Resolves when it is worth asking the server again; rejects with signal.reason on abort. */
  waitForSignIn(signal?: AbortSignal): Promise<void>;
}

/** What an upload is waiting for, beyond its turn: null when it is not waiting. */
export type UploadWait = 'sign-in' | null;
