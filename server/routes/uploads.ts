/**
 * The upload resource: create, sign parts, list parts, complete, abort; and
 * for small files, create and complete in batches.
 * Stateless: everything an upload-scoped call needs is in its verified token.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { Router } from 'express';
import type { Request, RequestHandler, Response } from 'express';
import {
  API_ROUTES,
  CompleteBatchRequest,
  CompleteUploadRequest,
  CreateBatchRequest,
  CreateUploadRequest,
  SignPartsRequest,
} from '../../shared/api.js';
import type {
  CreateBatchFile,
  BatchResult,
  CompleteBatchResponse,
  CompleteBatchResult,
  CompleteBatchUpload,
  CompleteUploadResponse,
  CreateBatchResponse,
  CreateUploadResponse,
  ListPartsResponse,
  SignPartsResponse,
  SignedPart,
  SingleUploadResponse,
} from '../../shared/api.js';
import { partLength, planParts, planWithPartSize } from '../../shared/part-plan.js';
import type { PartPlan } from '../../shared/part-plan.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { DEFAULT_CONTENT_TYPE, isContentTypeAllowed } from '../../shared/content-type.js';
import { bytesToHex, fromContentMd5, sameEtag } from '../../shared/checksum.js';
import { ownerKeyPrefix } from '../auth/owner-prefix.js';
import {
  ApiError,
  ChecksumMismatchError,
  ContentTypeNotAllowedError,
  EtagMismatchError,
  FileTooLargeError,
  InvalidRequestError,
  MissingPartsError,
  PartOutOfRangeError,
  SizeMismatchError,
  StoreUnavailableError,
  TooManyUploadsError,
  UploadNotFoundError,
  listNumbers,
} from '../errors.js';
import type { Metrics } from '../metrics.js';
import { callerOf } from '../middleware/auth.js';
import { methodNotAllowed } from '../middleware/error-handler.js';
import { requireUploadToken, uploadOf, verifyOwnedUploadToken } from '../middleware/upload-token.js';
import { parseWith, requireJsonBody } from '../middleware/validate.js';
import { createObjectKey, fileNameOfKey } from '../object-key.js';
import type { UploadRef, UploadStore } from '../s3/upload-store.js';
import { signUploadToken } from '../upload-token.js';
import type { UploadTokenPayload } from '../upload-token.js';
import { orderDeclaredParts, partsBeyondPlan, verifyStoredParts } from '../verify-parts.js';

export type UploadsConfig = Pick<
  Config,
  | 'keyPrefix'
  | 'partSize'
  | 'maxFileSize'
  | 'allowedContentTypes'
  | 'tokenSecret'
  | 'uploadTtlMs'
  | 'presignTtlSeconds'
  | 'downloadTtlSeconds'
  | 'checksumMode'
  | 'maxOpenUploads'
>;

export interface UploadsRouterDeps {
  config: UploadsConfig;
  store: UploadStore;
  clock: Clock;
  metrics: Metrics;
  /** Rate limit on starting uploads (per client). */
  perClientLimit: RequestHandler;
  /** Rate limit on calls that act on an upload (per upload). */
  perUploadLimit: RequestHandler;
}

/** Abort rounds before giving up on parts that keep landing after an abort. */
const MAX_ABORT_ROUNDS = 3;
/** After deleting a single upload's object: time for a PUT already in the store's hands to land, so the check sees it. */
const SINGLE_ABORT_SETTLE_MS = 50;

function planOf(token: UploadTokenPayload): PartPlan {
  return planWithPartSize(token.size, token.partSize);
}

/** What a single PUT must send as signed: its Content-Type, and its Content-MD5 when known. */
function singlePutHeaders(contentType: string, contentMd5: string | undefined): Record<string, string> {
  return { 'Content-Type': contentType, ...(contentMd5 !== undefined && { 'Content-MD5': contentMd5 }) };
}

function refOf(token: UploadTokenPayload): UploadRef {
  return { key: token.key, uploadId: token.uploadId };
}

export function createUploadsRouter({ config, store, clock, metrics, perClientLimit, perUploadLimit }: UploadsRouterDeps): Router {
  const router = Router();
  const tokenOptions = { secret: config.tokenSecret, clock };
  const verifyToken = requireUploadToken(tokenOptions);
  const withToken = [verifyToken, perUploadLimit];

  /** The limits and key policy every new upload passes, single or multipart: the key lies under its owner's prefix. */
  function admit(request: CreateUploadRequest, ownerPrefix: string): { plan: PartPlan; key: string; contentType: string } {
    if (request.size > config.maxFileSize) throw new FileTooLargeError(request.size, config.maxFileSize);
    if (!isContentTypeAllowed(request.contentType, config.allowedContentTypes)) {
      throw new ContentTypeNotAllowedError(request.contentType ?? DEFAULT_CONTENT_TYPE, config.allowedContentTypes);
    }
    const plan = planParts(request.size, config.partSize);
    const key = createObjectKey(ownerPrefix, request.fileName);
    const contentType = request.contentType?.trim() || DEFAULT_CONTENT_TYPE;
    return { plan, key, contentType };
  }

  /** A single-PUT upload: no store call, just a token and a PutObject URL bound to the size and content type. */
  async function createSingle({ md5, ...request }: CreateBatchFile, owner: string | null): Promise<SingleUploadResponse> {
    const { plan, key, contentType } = admit(request, ownerKeyPrefix(config.keyPrefix, owner));
    if (plan.partCount !== 1 || plan.size > config.partSize) {
      throw new InvalidRequestError(`a batch takes files of at most ${config.partSize} bytes (one part); create ${plan.size} bytes with POST ${API_ROUTES.uploads}`);
    }
    if (config.checksumMode === 'md5' && md5 === undefined) throw new InvalidRequestError('the checksum mode is md5: every file in a batch needs its md5');
    const expiresAt = clock.now() + config.uploadTtlMs;
    const payload = { uploadId: '', key, size: plan.size, partSize: plan.partSize, expiresAt, owner, single: true as const, contentType, ...(md5 !== undefined && { contentMd5: md5 }) };
    const token = signUploadToken(payload, config.tokenSecret);
    const url = await store.signPut({ key, contentLength: plan.size, contentType, contentMd5: md5, expiresInSeconds: config.presignTtlSeconds });
    const part: SignedPart = { partNumber: 1, url, size: plan.size, expiresAt: clock.now() + config.presignTtlSeconds * 1000, headers: singlePutHeaders(contentType, md5) };
    return {
      uploadId: '',
      key,
      size: plan.size,
      partSize: plan.partSize,
      partCount: 1,
      token,
      expiresAt,
      // The server checks the object's ETag against the MD5 at complete, where HeadObject says whether the ETag is one.
      checksum: { mode: config.checksumMode, etagIsMd5: false },
      single: true,
      part,
    };
  }

  async function createBatch(req: Request, res: Response): Promise<void> {
    const { files } = parseWith(CreateBatchRequest, req.body);
    // A single PUT leaves nothing open on the store until its bytes land whole, so MAX_OPEN_UPLOADS (counted there) does not apply.
    const { identity } = callerOf(res);
    const results = await Promise.all(
      files.map(async (file): Promise<BatchResult> => {
        try {
          return { upload: await createSingle(file, identity) };
        } catch (error) {
          // One refused file must not sink the others; anything but a refusal is the whole call's failure.
          if (!(error instanceof ApiError) || error.status >= 500) throw error;
          return { status: error.status, error: { code: error.code, message: error.message } };
        }
      }),
    );
    const created = results.filter((result) => 'upload' in result).length;
    metrics.uploadsCreated.inc(created);
    const body: CreateBatchResponse = { results };
    res.status(201).json(body);
  }

  async function create(req: Request, res: Response): Promise<void> {
    const request = parseWith(CreateUploadRequest, req.body);
    const { identity } = callerOf(res);
    const ownerPrefix = ownerKeyPrefix(config.keyPrefix, identity);
    const { plan, key, contentType } = admit(request, ownerPrefix);
    // Counted on the store, so every replica agrees without shared state; creates racing each other may pass together.
    if (config.maxOpenUploads > 0 && (await store.countUploads(ownerPrefix, config.maxOpenUploads)) >= config.maxOpenUploads) {
      throw new TooManyUploadsError(config.maxOpenUploads);
    }
    const { uploadId, etagIsMd5 } = await store.createUpload({ key, contentType });
    const expiresAt = clock.now() + config.uploadTtlMs;
    const token = signUploadToken({ uploadId, key, size: plan.size, partSize: plan.partSize, expiresAt, owner: identity }, config.tokenSecret);
    res.locals.uploadId = uploadId;
    metrics.uploadsCreated.inc();
    const body: CreateUploadResponse = {
      uploadId,
      key,
      size: plan.size,
      partSize: plan.partSize,
      partCount: plan.partCount,
      token,
      expiresAt,
      checksum: { mode: config.checksumMode, etagIsMd5 },
    };
    res.status(201).json(body);
  }

  async function sign(req: Request, res: Response): Promise<void> {
    const token = uploadOf(res);
    const plan = planOf(token);
    const request = parseWith(SignPartsRequest, req.body);
    const beyond = partsBeyondPlan(request.parts.map((p) => p.partNumber), plan);
    if (beyond.length > 0) throw new PartOutOfRangeError(beyond, plan.partCount);
    const withoutMd5 = request.parts.filter((p) => p.md5 === undefined).map((p) => p.partNumber);
    if (config.checksumMode === 'md5' && withoutMd5.length > 0) {
      throw new InvalidRequestError(`the checksum mode is md5: every part needs its md5; part(s) ${listNumbers(withoutMd5)} have none`);
    }
    const expiresAt = clock.now() + config.presignTtlSeconds * 1000;
    const parts = await Promise.all(
      request.parts.map(async ({ partNumber, md5 }): Promise<SignedPart> => {
        const size = partLength(plan, partNumber);
        if (token.single) {
          // The object's MD5 was fixed at create (in the token): every URL for it carries the same.
          const contentType = token.contentType ?? DEFAULT_CONTENT_TYPE;
          const contentMd5 = token.contentMd5;
          const url = await store.signPut({ key: token.key, contentLength: size, contentType, contentMd5, expiresInSeconds: config.presignTtlSeconds });
          return { partNumber, url, size, expiresAt, headers: singlePutHeaders(contentType, contentMd5) };
        }
        const url = await store.signPart({ ...refOf(token), partNumber, contentLength: size, contentMd5: md5, expiresInSeconds: config.presignTtlSeconds });
        return { partNumber, url, size, expiresAt, headers: md5 === undefined ? {} : { 'Content-MD5': md5 } };
      }),
    );
    metrics.partsSigned.inc(parts.length);
    const body: SignPartsResponse = { parts };
    res.json(body);
  }

  async function listParts(_req: Request, res: Response): Promise<void> {
    const token = uploadOf(res);
    // A single-PUT upload has no parts to resume from: its object appears whole or not at all.
    const body: ListPartsResponse = { parts: token.single ? [] : await store.listParts(refOf(token)) };
    res.json(body);
  }

  async function complete(req: Request, res: Response): Promise<void> {
    const token = uploadOf(res);
    const plan = planOf(token);
    try {
      const { parts, expectedEtag } = parseWith(CompleteUploadRequest, req.body);
      const ordered = orderDeclaredParts(parts, plan);
      if (token.single) {
        res.json(await completeSingle(token, ordered[0]?.etag ?? ''));
        return;
      }
      if (config.checksumMode === 'md5' && expectedEtag === undefined) {
        throw new InvalidRequestError('the checksum mode is md5: complete needs expectedEtag, the multipart ETag computed from the file');
      }
      const listed = await store.listParts(refOf(token)).catch(async (error: unknown) => {
        // A retry whose first attempt completed but lost its answer: the same answer again.
        if (error instanceof UploadNotFoundError && (await completedEarlier(token.key, plan.size, expectedEtag))) return null;
        throw error;
      });
      if (listed === null) {
        const etag = (await store.headObject(token.key)).etag;
        const downloadUrl = await store.presignGet({ key: token.key, fileName: fileNameOfKey(token.key), expiresInSeconds: config.downloadTtlSeconds });
        const body: CompleteUploadResponse = { key: token.key, size: plan.size, etag, downloadUrl };
        res.json(body);
        return;
      }
      const stored = verifyStoredParts(ordered, listed, plan);
      const completed = await store.completeUpload({ ...refOf(token), parts: stored });
      // Ceph RGW answers CompleteMultipartUpload with an empty ETag; HeadObject has it.
      const etag = completed.etag || (await store.headObject(token.key)).etag;
      if (expectedEtag !== undefined && completed.etagIsMd5 && !sameEtag(etag, expectedEtag)) {
        await discardCorruptObject(token.key, etag, expectedEtag);
      }
      const downloadUrl = await store.presignGet({ key: token.key, fileName: fileNameOfKey(token.key), expiresInSeconds: config.downloadTtlSeconds });
      metrics.uploadsCompleted.inc();
      const body: CompleteUploadResponse = { key: token.key, size: plan.size, etag, downloadUrl };
      res.json(body);
    } catch (error) {
      metrics.uploadsFailed.inc();
      throw error;
    }
  }

  /**
   * Whether this upload's object already exists: the key is the upload's own (a fresh uuid the
   * token binds), so an object there of the declared size (and ETag, when given) is this upload completed.
   */
  async function completedEarlier(key: string, size: number, expectedEtag: string | undefined): Promise<boolean> {
    try {
      const head = await store.headObject(key);
      return head.size === size && (expectedEtag === undefined || sameEtag(head.etag, expectedEtag));
    } catch {
      return false;
    }
  }

  /** The object is not the client's bytes: delete it (the token binds this to the upload's own key) and fail complete. */
  async function discardCorruptObject(key: string, storedEtag: string, expectedEtag: string): Promise<never> {
    await store.deleteObject(key);
    metrics.checksumMismatches.inc();
    throw new ChecksumMismatchError(
      `the stored object's ETag ${storedEtag} differs from ${expectedEtag}, computed from the file: some bytes changed on the way, so the object was deleted; upload the file again`,
    );
  }

  /** Checks the PutObject landed with the declared size and ETag (its MD5), as complete checks parts for multipart. */
  async function completeSingle(token: UploadTokenPayload, declaredEtag: string): Promise<CompleteUploadResponse> {
    let stored;
    try {
      stored = await store.headObject(token.key);
    } catch (error) {
      if (error instanceof UploadNotFoundError) throw new MissingPartsError('the object is not stored yet: PUT it to its URL, then complete');
      throw error;
    }
    if (stored.size !== undefined && stored.size !== token.size) {
      throw new SizeMismatchError(`the stored object has ${stored.size} bytes, the upload declared ${token.size}`);
    }
    if (stored.etag !== '' && !sameEtag(stored.etag, declaredEtag)) throw new EtagMismatchError([1]);
    // The store checked the signed Content-MD5 on the PUT; a store that ignores it is caught here.
    const md5Hex = token.contentMd5 === undefined ? undefined : bytesToHex(fromContentMd5(token.contentMd5));
    if (md5Hex !== undefined && stored.etagIsMd5 && stored.etag !== '' && !sameEtag(stored.etag, md5Hex)) {
      await discardCorruptObject(token.key, stored.etag, md5Hex);
    }
    const downloadUrl = await store.presignGet({ key: token.key, fileName: fileNameOfKey(token.key), expiresInSeconds: config.downloadTtlSeconds });
    metrics.uploadsCompleted.inc();
    return { key: token.key, size: token.size, etag: stored.etag || declaredEtag, downloadUrl };
  }

  /** One upload of a batch complete: checked exactly as POST complete checks a single upload, by its own token. */
  async function completeOneOfBatch({ token, etag }: CompleteBatchUpload, identity: string | null): Promise<CompleteUploadResponse> {
    const payload = verifyOwnedUploadToken(token, tokenOptions, identity);
    if (!payload.single) throw new InvalidRequestError(`a batch completes single-PUT uploads only; complete a multipart upload with POST ${API_ROUTES.complete}`);
    try {
      return await completeSingle(payload, etag);
    } catch (error) {
      metrics.uploadsFailed.inc();
      throw error;
    }
  }

  async function completeBatch(req: Request, res: Response): Promise<void> {
    const { uploads } = parseWith(CompleteBatchRequest, req.body);
    const { identity } = callerOf(res);
    const results = await Promise.all(
      uploads.map(async (upload): Promise<CompleteBatchResult> => {
        try {
          return { completed: await completeOneOfBatch(upload, identity) };
        } catch (error) {
          // One refused upload must not sink the others; anything but a refusal is the whole call's failure.
          if (!(error instanceof ApiError) || error.status >= 500) throw error;
          return { status: error.status, error: { code: error.code, message: error.message } };
        }
      }),
    );
    const body: CompleteBatchResponse = { results };
    res.json(body);
  }

  /** Deletes a single upload's object, again if a PUT racing the cancel stored it after the first delete. */
  async function abortSingle(token: UploadTokenPayload, res: Response): Promise<void> {
    for (let round = 0; round < MAX_ABORT_ROUNDS; round++) {
      await store.deleteObject(token.key);
      await delay(SINGLE_ABORT_SETTLE_MS);
      try {
        await store.headObject(token.key);
      } catch (error) {
        if (!(error instanceof UploadNotFoundError)) throw error;
        metrics.uploadsAborted.inc();
        res.status(204).end();
        return;
      }
    }
    throw new StoreUnavailableError({ cause: new Error(`object ${token.key} still exists after ${MAX_ABORT_ROUNDS} deletes`) });
  }

  async function abort(_req: Request, res: Response): Promise<void> {
    if (uploadOf(res).single) return abortSingle(uploadOf(res), res);
    const ref = refOf(uploadOf(res));
    for (let round = 0; round < MAX_ABORT_ROUNDS; round++) {
      await store.abortUpload(ref);
      try {
        // A part PUT racing the abort can recreate parts: confirm nothing is left.
        await store.listParts(ref);
      } catch (error) {
        if (!(error instanceof UploadNotFoundError)) throw error;
        metrics.uploadsAborted.inc();
        res.status(204).end();
        return;
      }
    }
    throw new StoreUnavailableError({ cause: new Error(`upload ${ref.uploadId} still exists after ${MAX_ABORT_ROUNDS} aborts`) });
  }

  router.route(API_ROUTES.uploads).post(perClientLimit, requireJsonBody, create).delete(withToken, abort).all(methodNotAllowed(['POST', 'DELETE']));
  router.route(API_ROUTES.batch).post(perClientLimit, requireJsonBody, createBatch).all(methodNotAllowed(['POST']));
  router.route(API_ROUTES.completeBatch).post(perClientLimit, requireJsonBody, completeBatch).all(methodNotAllowed(['POST']));
  router.route(API_ROUTES.sign).post(withToken, requireJsonBody, sign).all(methodNotAllowed(['POST']));
  router.route(API_ROUTES.parts).get(withToken, listParts).all(methodNotAllowed(['GET']));
  router.route(API_ROUTES.complete).post(withToken, requireJsonBody, complete).all(methodNotAllowed(['POST']));
  return router;
}
