/**
 * The upload resource: create, sign parts, list parts, complete, abort.
 * Stateless: everything an upload-scoped call needs is in its verified token.
 */
import { Router } from 'express';
import type { Request, Response } from 'express';
import {
  API_ROUTES,
  CompleteUploadRequest,
  CreateUploadRequest,
  SignPartsRequest,
} from '../../shared/api.js';
import type {
  CompleteUploadResponse,
  CreateUploadResponse,
  ListPartsResponse,
  SignPartsResponse,
  SignedPart,
} from '../../shared/api.js';
import { partLength, planParts, planWithPartSize } from '../../shared/part-plan.js';
import type { PartPlan } from '../../shared/part-plan.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { DEFAULT_CONTENT_TYPE, isContentTypeAllowed } from '../../shared/content-type.js';
import { sameEtag } from '../../shared/checksum.js';
import {
  ChecksumMismatchError,
  ContentTypeNotAllowedError,
  FileTooLargeError,
  InvalidRequestError,
  PartOutOfRangeError,
  StoreUnavailableError,
  UploadNotFoundError,
  listNumbers,
} from '../errors.js';
import type { Metrics } from '../metrics.js';
import { methodNotAllowed } from '../middleware/error-handler.js';
import { requireUploadToken, uploadOf } from '../middleware/upload-token.js';
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
>;

export interface UploadsRouterDeps {
  config: UploadsConfig;
  store: UploadStore;
  clock: Clock;
  metrics: Metrics;
}

/** Abort rounds before giving up on parts that keep landing after an abort. */
const MAX_ABORT_ROUNDS = 3;

function planOf(token: UploadTokenPayload): PartPlan {
  return planWithPartSize(token.size, token.partSize);
}

function refOf(token: UploadTokenPayload): UploadRef {
  return { key: token.key, uploadId: token.uploadId };
}

export function createUploadsRouter({ config, store, clock, metrics }: UploadsRouterDeps): Router {
  const router = Router();
  const withToken = requireUploadToken({ secret: config.tokenSecret, clock });

  async function create(req: Request, res: Response): Promise<void> {
    const request = parseWith(CreateUploadRequest, req.body);
    if (request.size > config.maxFileSize) throw new FileTooLargeError(request.size, config.maxFileSize);
    if (!isContentTypeAllowed(request.contentType, config.allowedContentTypes)) {
      throw new ContentTypeNotAllowedError(request.contentType ?? DEFAULT_CONTENT_TYPE, config.allowedContentTypes);
    }
    const plan = planParts(request.size, config.partSize);
    const key = createObjectKey(config.keyPrefix, request.fileName);
    const contentType = request.contentType?.trim() || DEFAULT_CONTENT_TYPE;
    const { uploadId, etagIsMd5 } = await store.createUpload({ key, contentType });
    const expiresAt = clock.now() + config.uploadTtlMs;
    const token = signUploadToken({ uploadId, key, size: plan.size, partSize: plan.partSize, expiresAt }, config.tokenSecret);
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
        const url = await store.signPart({ ...refOf(token), partNumber, contentLength: size, contentMd5: md5, expiresInSeconds: config.presignTtlSeconds });
        return { partNumber, url, size, expiresAt, headers: md5 === undefined ? {} : { 'Content-MD5': md5 } };
      }),
    );
    metrics.partsSigned.inc(parts.length);
    const body: SignPartsResponse = { parts };
    res.json(body);
  }

  async function listParts(_req: Request, res: Response): Promise<void> {
    const body: ListPartsResponse = { parts: await store.listParts(refOf(uploadOf(res))) };
    res.json(body);
  }

  async function complete(req: Request, res: Response): Promise<void> {
    const token = uploadOf(res);
    const plan = planOf(token);
    try {
      const { parts, expectedEtag } = parseWith(CompleteUploadRequest, req.body);
      if (config.checksumMode === 'md5' && expectedEtag === undefined) {
        throw new InvalidRequestError('the checksum mode is md5: complete needs expectedEtag, the multipart ETag computed from the file');
      }
      const ordered = orderDeclaredParts(parts, plan);
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

  async function abort(_req: Request, res: Response): Promise<void> {
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

  router.route(API_ROUTES.uploads).post(requireJsonBody, create).delete(withToken, abort).all(methodNotAllowed(['POST', 'DELETE']));
  router.route(API_ROUTES.sign).post(withToken, requireJsonBody, sign).all(methodNotAllowed(['POST']));
  router.route(API_ROUTES.parts).get(withToken, listParts).all(methodNotAllowed(['GET']));
  router.route(API_ROUTES.complete).post(withToken, requireJsonBody, complete).all(methodNotAllowed(['POST']));
  return router;
}
