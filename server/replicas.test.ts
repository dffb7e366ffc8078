/**
 * Several replicas: two server processes with the same TOKEN_SECRET, in JWT
 * mode, sharing one real Redis for the rate limits, against the same store
 * (the embedded store standing alone, and Ceph RGW when it is up). Every API
 * call of an upload alternates between them; the per-owner limit and the
 * per-upload rate limit hold across both.
 */
import { createHash, randomBytes } from 'node:crypto';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES, ApiErrorBody, CompleteUploadResponse, CreateUploadResponse, ListPartsResponse, SignPartsResponse, UPLOAD_TOKEN_HEADER } from '../shared/api.js';
import { concatPartDigests, formatMultipartEtag, toContentMd5 } from '../shared/checksum.js';
import { startAppServer } from '../testing/app-server.js';
import type { AppServer } from '../testing/app-server.js';
import { startTestIssuer } from '../testing/jwt-issuer.js';
import type { TestIssuer } from '../testing/jwt-issuer.js';
import { redisAvailable, startRedis } from '../testing/redis-server.js';
import type { TestRedis } from '../testing/redis-server.js';
import { createS3Client } from './s3/client.js';
import { startBackends } from '@s3-big-upload/local-s3/testing';

const backends = await startBackends();
const withRedis = redisAvailable();
let issuer: TestIssuer;
let redis: TestRedis | undefined;
beforeAll(async () => {
  issuer = await startTestIssuer();
  if (withRedis) redis = await startRedis();
});
afterAll(async () => {
  await issuer?.close();
  await redis?.stop();
  await Promise.all(backends.map((b) => b.close()));
});

const MiB = 1024 * 1024;
const PER_UPLOAD_LIMIT = 6;

interface Answer {
  status: number;
  json: unknown;
}

describe.each(backends)('$name', (backend) => {
  let replicas: AppServer[] = [];
  beforeAll(async () => {
    const secret = randomBytes(32).toString('hex');
    const env = issuer.env({
      TOKEN_SECRET: secret,
      PART_SIZE: '5MiB',
      MAX_OPEN_UPLOADS: '2',
      RATE_LIMIT_PER_UPLOAD: String(PER_UPLOAD_LIMIT),
      KEY_PREFIX: `replicas-${randomBytes(3).toString('hex')}/`,
      ...(redis !== undefined && { RATE_LIMIT_REDIS_URL: redis.url }),
    });
    replicas = await Promise.all([0, 1].map(() => startAppServer(env, { store: backend })));
  }, 120_000);
  afterAll(() => Promise.all(replicas.map((r) => r.stop())));

  let turn = 0;
  /** Each call goes to the other replica than the one before. */
  async function call(method: string, route: string, headers: Record<string, string>, body?: unknown): Promise<Answer> {
    const replica = replicas[turn++ % 2];
    if (replica === undefined) throw new Error('replicas not started');
    const response = await fetch(`${replica.url}${route}`, {
      method,
      headers: { ...headers, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, json: text === '' ? undefined : (JSON.parse(text) as unknown) };
  }

  const login = async (sub: string) => ({ authorization: `Bearer ${await issuer.token(sub)}` });

  async function create(headers: Record<string, string>, size: number): Promise<CreateUploadResponse> {
    const answer = await call('POST', API_ROUTES.uploads, headers, { fileName: 'data.bin', size });
    expect(answer.status, JSON.stringify(answer.json)).toBe(201);
    return CreateUploadResponse.parse(answer.json);
  }

  it('an upload whose calls alternate between two replicas completes intact', async () => {
    const alice = await login('alice');
    const bytes = randomBytes(5 * MiB + 1234);
    const upload = await create(alice, bytes.length);
    expect(upload.partCount).toBe(2);
    const scoped = { ...alice, [UPLOAD_TOKEN_HEADER]: upload.token };

    const etags: { partNumber: number; etag: string }[] = [];
    const digests: Uint8Array[] = [];
    for (const partNumber of [1, 2]) {
      const start = (partNumber - 1) * upload.partSize;
      const body = bytes.subarray(start, Math.min(start + upload.partSize, bytes.length));
      const digest = createHash('md5').update(body).digest();
      digests.push(digest);
      const signing = await call('POST', API_ROUTES.sign, scoped, { parts: [{ partNumber, md5: toContentMd5(digest) }] });
      const signed = SignPartsResponse.parse(signing.json).parts[0];
      if (signed === undefined) throw new Error('no URL signed');
      const put = await fetch(signed.url, { method: 'PUT', headers: signed.headers, body });
      expect(put.status).toBe(200);
      etags.push({ partNumber, etag: put.headers.get('etag') ?? '' });
    }
    const expectedEtag = formatMultipartEtag(createHash('md5').update(concatPartDigests(digests)).digest(), digests.length);
    const listed = ListPartsResponse.parse((await call('GET', API_ROUTES.parts, scoped)).json);
    expect(listed.parts.map((p) => p.partNumber)).toEqual([1, 2]);
    const completed = await call('POST', API_ROUTES.complete, scoped, { parts: etags, expectedEtag });
    expect(completed.status, JSON.stringify(completed.json)).toBe(200);
    const { key, size } = CompleteUploadResponse.parse(completed.json);
    expect(size).toBe(bytes.length);
    expect(key).toMatch(/\/alice\/[0-9a-f-]{36}\/data\.bin$/);

    const s3 = createS3Client({ ...backend, forcePathStyle: true });
    try {
      const object = await s3.send(new GetObjectCommand({ Bucket: backend.bucket, Key: key }));
      const stored = createHash('sha256').update(await object.Body!.transformToByteArray()).digest('hex');
      expect(stored).toBe(createHash('sha256').update(bytes).digest('hex'));
    } finally {
      s3.destroy();
    }
  });

  it('the per-owner limit on unfinished uploads holds across both replicas', async () => {
    const bob = await login('bob');
    const first = await create(bob, 10); // replica A or B
    await create(bob, 10); // the other one
    for (let i = 0; i < 2; i += 1) {
      const refused = await call('POST', API_ROUTES.uploads, bob, { fileName: 'x', size: 10 });
      expect([refused.status, ApiErrorBody.parse(refused.json).error.code]).toEqual([409, 'too_many_uploads']);
    }
    expect((await call('DELETE', API_ROUTES.uploads, { ...bob, [UPLOAD_TOKEN_HEADER]: first.token })).status).toBe(204);
    await create(bob, 10);
  });

  it.skipIf(!withRedis)('the per-upload rate limit is one budget across both replicas (Redis)', async () => {
    const carol = await login('carol');
    const upload = await create(carol, 10);
    const scoped = { ...carol, [UPLOAD_TOKEN_HEADER]: upload.token };
    const statuses: number[] = [];
    for (let i = 0; i <= PER_UPLOAD_LIMIT; i += 1) statuses.push((await call('GET', API_ROUTES.parts, scoped)).status);
    // Each replica alone saw at most PER_UPLOAD_LIMIT / 2 + 1 calls: only a shared count refuses the last.
    expect(statuses).toEqual([...Array<number>(PER_UPLOAD_LIMIT).fill(200), 429]);
  });
});
