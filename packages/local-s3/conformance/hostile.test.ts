/**
 * The hostile-input corpus against the store itself: unauthenticated calls,
 * tampered signatures and presigned URLs, unsigned x-amz-* headers, hostile
 * XML, response-* overrides, traversal keys, request smuggling, a foreign
 * POST and slow bodies. For each: the exact 4xx status and S3 error code,
 * never a 5xx, no internal error, and nothing changed in the bucket.
 *
 * Cases marked `s3` are S3's own behaviour and run on Ceph RGW too; the
 * others are where this store is stricter than S3 or RGW (XML DTDs, the
 * foreign-POST guard, parser errors), and run on the embedded store only.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalS3 } from '../src/index.js';
import type { LocalS3 } from '../src/index.js';
import { rawExchange } from '../testing/raw-http.js';
import type { RawOptions } from '../testing/raw-http.js';
import { startBackends } from '../testing/s3-backends.js';
import type { S3Backend } from '../testing/s3-backends.js';
import { sendSigned } from '../testing/signed-request.js';
import type { RequestToSign } from '../testing/signed-request.js';
import { createTestClient } from '../testing/test-client.js';
import { createUpload } from './s3-fixtures.js';

const APP_ORIGIN = 'http://app.example.com';
const backends = await startBackends({ corsOrigins: [APP_ORIGIN] });
afterAll(() => Promise.all(backends.map((b) => b.close())));

interface Fixture {
  backend: S3Backend;
  s3: S3Client;
  keep: string;
  mp: { key: string; uploadId: string };
  /** Presigned URLs made fresh for each case. */
  partUrl(partNumber?: number): Promise<URL>;
  getUrl(): Promise<URL>;
}

interface Answer {
  status: number;
  body: string;
}

interface StoreCase {
  name: string;
  /** S3's behaviour: runs on RGW too. */
  s3: boolean;
  run(f: Fixture): Promise<Answer>;
  status: number;
  code: string;
}

const codeOf = (body: string): string | undefined => /<Code>([^<]*)<\/Code>/.exec(body)?.[1];

async function fetchAnswer(url: URL | string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, init);
  return { status: response.status, body: await response.text() };
}

function signed(f: Fixture, request: (f: Fixture) => RequestToSign, identity: Partial<Fixture['backend']> = {}): Promise<Answer> {
  return sendSigned({ ...f.backend, ...identity }, request(f)).then((r) => ({ status: r.status, body: r.text }));
}

function rawRequest(f: Fixture, head: (f: Fixture, host: string) => string, options: RawOptions = {}): Promise<Answer> {
  const host = new URL(f.backend.endpoint).host;
  return rawExchange(f.backend.endpoint, head(f, host), { timeoutMs: 5000, ...options }).then((exchange) => ({
    status: exchange.responses[0]?.status ?? 0,
    body: exchange.responses[0]?.body ?? `(no response; closed=${exchange.closed})`,
  }));
}

const flip = (text: string): string => `${text.slice(0, -1)}${text.endsWith('0') ? '1' : '0'}`;

// --- unauthenticated ---------------------------------------------------------
const UNAUTHENTICATED: StoreCase[] = (
  [
    ['list objects', 'GET', (f: Fixture) => `/${f.backend.bucket}`],
    ['put an object', 'PUT', (f: Fixture) => `/${f.backend.bucket}/new-object`],
    ['create an upload', 'POST', (f: Fixture) => `/${f.backend.bucket}/new-upload?uploads`],
    ['delete an object', 'DELETE', (f: Fixture) => `/${f.backend.bucket}/${f.keep}`],
    ['delete many objects', 'POST', (f: Fixture) => `/${f.backend.bucket}?delete`],
    ['set CORS', 'PUT', (f: Fixture) => `/${f.backend.bucket}?cors`],
    ['abort an upload', 'DELETE', (f: Fixture) => `/${f.backend.bucket}/${f.mp.key}?uploadId=${f.mp.uploadId}`],
    ['upload a part', 'PUT', (f: Fixture) => `/${f.backend.bucket}/${f.mp.key}?partNumber=2&uploadId=${f.mp.uploadId}`],
    ['read an object', 'GET', (f: Fixture) => `/${f.backend.bucket}/${f.keep}`],
    ['list uploads', 'GET', (f: Fixture) => `/${f.backend.bucket}?uploads`],
    ['complete an upload', 'POST', (f: Fixture) => `/${f.backend.bucket}/${f.mp.key}?uploadId=${f.mp.uploadId}`],
  ] as const
).map(([name, method, path]) => ({
  name: `unauthenticated: ${name}`,
  s3: true,
  run: (f) => fetchAnswer(`${f.backend.endpoint}${path(f)}`, { method, ...(method === 'PUT' || method === 'POST' ? { body: 'x' } : {}) }),
  status: 403,
  code: 'AccessDenied',
}));

// --- header-signed requests with the wrong identity or a broken signature ------
const listObjects = (f: Fixture): RequestToSign => ({ method: 'GET', path: `/${f.backend.bucket}`, query: { 'list-type': '2' } });
const HEADER_AUTH: StoreCase[] = [
  { name: 'header auth: a wrong secret', s3: true, run: (f) => signed(f, listObjects, { secretAccessKey: `${f.backend.secretAccessKey}x` }), status: 403, code: 'SignatureDoesNotMatch' },
  { name: 'header auth: an unknown key id', s3: true, run: (f) => signed(f, listObjects, { accessKeyId: 'AKIAUNKNOWNUNKNOWN00' }), status: 403, code: 'InvalidAccessKeyId' },
  { name: 'header auth: the keys this store used to publish', s3: true, run: (f) => signed(f, listObjects, { accessKeyId: 'local-access-key', secretAccessKey: 'local-secret-key' }), status: 403, code: 'InvalidAccessKeyId' },
  {
    name: 'header auth: a body other than the signed one',
    s3: true,
    run: (f) => signed(f, () => ({ method: 'PUT', path: `/${f.backend.bucket}/new-object`, body: 'evil', payloadHash: createHash('sha256').update('good').digest('hex') })),
    status: 400,
    code: 'XAmzContentSHA256Mismatch',
  },
  {
    name: 'header auth: an unsigned x-amz-meta header',
    s3: false,
    run: async (f) => {
      const { sendSigned: _unused, signRequest } = await import('../testing/signed-request.js');
      void _unused;
      const request = await signRequest(f.backend, { method: 'PUT', path: `/${f.backend.bucket}/new-object`, body: 'x' });
      return fetchAnswer(request.url, { method: 'PUT', body: 'x', headers: { ...request.headers, 'x-amz-meta-owner': 'attacker' } });
    },
    status: 403,
    code: 'AccessDenied',
  },
  {
    name: 'header auth: a date an hour off',
    s3: true,
    run: (f) => signed(f, (g) => ({ ...listObjects(g), signingDate: new Date(Date.now() - 3_600_000) })),
    status: 403,
    code: 'RequestTimeTooSkewed',
  },
  {
    name: 'header auth: SigV4 fields missing',
    s3: false,
    run: (f) => fetchAnswer(`${f.backend.endpoint}/${f.backend.bucket}`, { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=x', 'x-amz-date': '20260101T000000Z', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }),
    status: 400,
    code: 'AuthorizationHeaderMalformed',
  },
  {
    name: 'header auth: a Bearer token',
    s3: false,
    run: (f) => fetchAnswer(`${f.backend.endpoint}/${f.backend.bucket}`, { headers: { authorization: 'Bearer abc' } }),
    status: 400,
    code: 'InvalidArgument',
  },
  {
    name: 'header auth: both a header and a presigned query',
    s3: false,
    run: async (f) => {
      const url = await f.getUrl();
      return fetchAnswer(url, { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=a/b/c/s3/aws4_request, SignedHeaders=host, Signature=00' } });
    },
    status: 400,
    code: 'InvalidArgument',
  },
];

// --- presigned URL tampering ---------------------------------------------------
type UrlEdit = (url: URL, f: Fixture) => void;
const set = (name: string, value: string): UrlEdit => (url) => url.searchParams.set(name, value);
const PART_URL_EDITS: [string, boolean, UrlEdit, number, string][] = [
  ['the signature flipped', true, (u) => u.searchParams.set('X-Amz-Signature', flip(u.searchParams.get('X-Amz-Signature') ?? '')), 403, 'SignatureDoesNotMatch'],
  ['the signature upper-cased', true, (u) => u.searchParams.set('X-Amz-Signature', (u.searchParams.get('X-Amz-Signature') ?? '').toUpperCase()), 403, 'SignatureDoesNotMatch'],
  ['the signature cut short', true, (u) => u.searchParams.set('X-Amz-Signature', (u.searchParams.get('X-Amz-Signature') ?? '').slice(0, 32)), 403, 'SignatureDoesNotMatch'],
  ['the part number', true, set('partNumber', '3'), 403, 'SignatureDoesNotMatch'],
  ['the upload id', true, (u, f) => u.searchParams.set('uploadId', `${f.mp.uploadId}x`), 403, 'SignatureDoesNotMatch'],
  ['the expiry raised', true, set('X-Amz-Expires', '604800'), 403, 'SignatureDoesNotMatch'],
  ['the date moved', true, (u) => u.searchParams.set('X-Amz-Date', (u.searchParams.get('X-Amz-Date') ?? '').replace(/\d\dZ$/, (ss) => (ss === '00Z' ? '01Z' : '00Z'))), 403, 'SignatureDoesNotMatch'],
  ['the signed headers', true, set('X-Amz-SignedHeaders', 'host;x-amz-meta-a'), 403, 'SignatureDoesNotMatch'],
  ['another key id', true, (u) => u.searchParams.set('X-Amz-Credential', (u.searchParams.get('X-Amz-Credential') ?? '').replace(/^[^/]+/, 'AKIAUNKNOWNUNKNOWN00')), 403, 'InvalidAccessKeyId'],
  ['the key', true, (u) => (u.pathname = `${u.pathname}x`), 403, 'SignatureDoesNotMatch'],
  ['the key with ../', true, (u) => (u.pathname = u.pathname.replace(/\/[^/]+$/, '/%2E%2E%2Fother')), 403, 'SignatureDoesNotMatch'],
  ['an extra query parameter', true, set('x-id', 'PutObject'), 403, 'SignatureDoesNotMatch'],
  ['SHA-1 as the algorithm', false, set('X-Amz-Algorithm', 'AWS4-HMAC-SHA1'), 400, 'AuthorizationQueryParametersError'],
  ['an expiry over a week', false, set('X-Amz-Expires', '604801'), 400, 'AuthorizationQueryParametersError'],
  ['an expiry that is no number', false, set('X-Amz-Expires', '1e3'), 400, 'AuthorizationQueryParametersError'],
  ['a date that is no date', false, set('X-Amz-Date', 'yesterday'), 400, 'AuthorizationQueryParametersError'],
  ['no signature', false, (u) => u.searchParams.delete('X-Amz-Signature'), 400, 'AuthorizationQueryParametersError'],
];
const PRESIGNED: StoreCase[] = [
  ...PART_URL_EDITS.map(([name, s3, edit, status, code]): StoreCase => ({
    name: `presigned part PUT: ${name}`,
    s3,
    run: async (f) => {
      const url = await f.partUrl();
      edit(url, f);
      return fetchAnswer(url, { method: 'PUT', body: 'x' });
    },
    status,
    code,
  })),
  { name: 'presigned part PUT: sent as DELETE', s3: true, run: async (f) => fetchAnswer(await f.partUrl(), { method: 'DELETE' }), status: 403, code: 'SignatureDoesNotMatch' },
  { name: 'presigned part PUT: sent as POST', s3: true, run: async (f) => fetchAnswer(await f.partUrl(), { method: 'POST', body: 'x' }), status: 403, code: 'SignatureDoesNotMatch' },
  { name: 'presigned part PUT: a body longer than signed', s3: true, run: async (f) => fetchAnswer(await f.partUrl(), { method: 'PUT', body: 'xx' }), status: 403, code: 'SignatureDoesNotMatch' },
  { name: 'presigned GET: sent as PUT', s3: true, run: async (f) => fetchAnswer(await f.getUrl(), { method: 'PUT', body: 'x' }), status: 403, code: 'SignatureDoesNotMatch' },
  {
    name: 'presigned GET: a response-content-type added',
    s3: true,
    run: async (f) => {
      const url = await f.getUrl();
      url.searchParams.set('response-content-type', 'text/html');
      return fetchAnswer(url);
    },
    status: 403,
    code: 'SignatureDoesNotMatch',
  },
  {
    name: 'presigned GET: expired',
    s3: true,
    run: async (f) => fetchAnswer(await getSignedUrl(f.s3, new GetObjectCommand({ Bucket: f.backend.bucket, Key: f.keep }), { expiresIn: 1, signingDate: new Date(Date.now() - 3_600_000) })),
    status: 403,
    code: 'AccessDenied',
  },
  ...[
    'x-amz-meta-owner',
    'x-amz-acl',
    'x-amz-copy-source',
    'x-amz-tagging',
    'x-amz-storage-class',
    'x-amz-server-side-encryption',
    'x-amz-website-redirect-location',
    'x-amz-grant-read',
  ].map(
    (header): StoreCase => ({
      name: `presigned part PUT: unsigned ${header}`,
      s3: false,
      run: async (f) => fetchAnswer(await f.partUrl(), { method: 'PUT', body: 'x', headers: { [header]: header === 'x-amz-copy-source' ? `/${f.backend.bucket}/${f.keep}` : 'x' } }),
      status: 403,
      code: 'AccessDenied',
    }),
  ),
];

// --- hostile XML (header-signed, so only the body is wrong) ---------------------
const laughs = (): string => {
  const entities = ['<!ENTITY l0 "lollollollollollollollollollol">'];
  for (let i = 1; i < 10; i++) entities.push(`<!ENTITY l${i} "${`&l${i - 1};`.repeat(10)}">`);
  return `<!DOCTYPE d [${entities.join('')}]>`;
};
const XML_BODIES: [string, (root: string, inner: string) => string][] = [
  ['an external entity', (root, inner) => `<!DOCTYPE ${root} [<!ENTITY x SYSTEM "file:///etc/passwd">]><${root}>${inner.replace('VALUE', '&x;')}</${root}>`],
  ['a parameter entity', (root, inner) => `<!DOCTYPE ${root} [<!ENTITY % p "<!ENTITY x 'v'>"> %p;]><${root}>${inner.replace('VALUE', '&x;')}</${root}>`],
  ['an internal entity', (root, inner) => `<!DOCTYPE ${root} [<!ENTITY x "v">]><${root}>${inner.replace('VALUE', '&x;')}</${root}>`],
  ['a billion laughs', (root, inner) => `${laughs()}<${root}>${inner.replace('VALUE', '&l9;')}</${root}>`],
  ['5,000 nested elements', (root) => `<${root}>${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</${root}>`],
  ['a __proto__ element', (root, inner) => `<${root}><__proto__><x>1</x></__proto__>${inner.replace('VALUE', 'v')}</${root}>`],
  ['an unclosed element', (root) => `<${root}><a>`],
  ['text that is not XML', () => 'not xml'],
];
const XML_TARGETS = [
  { op: 'DeleteObjects', root: 'Delete', inner: '<Object><Key>VALUE</Key></Object>', request: (f: Fixture, body: string): RequestToSign => ({ method: 'POST', path: `/${f.backend.bucket}`, query: { delete: '' }, body }) },
  {
    op: 'PutBucketCors',
    root: 'CORSConfiguration',
    inner: '<CORSRule><AllowedOrigin>VALUE</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>',
    request: (f: Fixture, body: string): RequestToSign => ({ method: 'PUT', path: `/${f.backend.bucket}`, query: { cors: '' }, body }),
  },
  {
    op: 'CompleteMultipartUpload',
    root: 'CompleteMultipartUpload',
    inner: '<Part><PartNumber>1</PartNumber><ETag>VALUE</ETag></Part>',
    request: (f: Fixture, body: string): RequestToSign => ({ method: 'POST', path: `/${f.backend.bucket}/${f.mp.key}`, query: { uploadId: f.mp.uploadId }, body }),
  },
];
const XML: StoreCase[] = XML_TARGETS.flatMap((target) =>
  XML_BODIES.map(
    ([name, make]): StoreCase => ({
      name: `XML ${target.op}: ${name}`,
      s3: false,
      run: (f) => signed(f, () => target.request(f, make(target.root, target.inner))),
      status: 400,
      code: 'MalformedXML',
    }),
  ),
);

// --- response-* overrides that are no header value -------------------------------
const RESPONSE_OVERRIDES: StoreCase[] = (
  [
    ['CR LF in response-content-type', 'response-content-type', 'text/html\r\nSet-Cookie: a=b'],
    ['LF in response-content-disposition', 'response-content-disposition', 'attachment\nx'],
    ['NUL in response-cache-control', 'response-cache-control', 'no-cache\u0000'],
    ['U+0100 in response-content-disposition', 'response-content-disposition', 'attachment; filename="\u0100"'],
    ['an emoji in response-content-language', 'response-content-language', '\u{1F600}'],
    ['a control character in response-expires', 'response-expires', '\u0007'],
  ] as const
).map(([name, param, value]) => ({
  name: `response overrides: ${name}`,
  s3: false,
  run: (f) => signed(f, (g) => ({ method: 'GET', path: `/${g.backend.bucket}/${g.keep}`, query: { [param]: value } })),
  status: 400,
  code: 'InvalidArgument',
}));

// --- keys and paths that try to leave the bucket --------------------------------
const TRAVERSAL: StoreCase[] = [
  ['..%2F..%2Fetc%2Fpasswd', '..%2F..%2Fetc%2Fpasswd', 404, 'NoSuchKey', false],
  ['an encoded leading slash', '%2Fetc%2Fpasswd', 404, 'NoSuchKey', false],
  ['a key with NUL', 'a%00b', 404, 'NoSuchKey', false],
  ['a key with a backslash path', '..%5C..%5Cwindows', 404, 'NoSuchKey', true],
  ['a key of 1025 bytes', 'k'.repeat(1025), 400, 'KeyTooLongError', false],
].map(([name, key, status, code, s3]) => ({
  name: `traversal: ${String(name)}`,
  s3: Boolean(s3),
  run: (f: Fixture) => signed(f, (g) => ({ method: 'GET', path: `/${g.backend.bucket}/${String(key)}` })),
  status: Number(status),
  code: String(code),
}));
TRAVERSAL.push(
  { name: 'traversal: a bucket of ..', s3: false, run: (f) => rawRequest(f, (_g, host) => `GET /../${f.backend.bucket} HTTP/1.1\r\nHost: ${host}\r\n\r\n`), status: 403, code: 'AccessDenied' },
  { name: 'traversal: a bad percent-escape', s3: false, run: (f) => rawRequest(f, (g, host) => `GET /${g.backend.bucket}/%zz HTTP/1.1\r\nHost: ${host}\r\n\r\n`), status: 400, code: 'InvalidURI' },
);

// --- request smuggling and broken framing (the store's own HTTP parser errors) -----
const SMUGGLING: StoreCase[] = (
  [
    ['Content-Length and Transfer-Encoding', 'Content-Length: 4\r\nTransfer-Encoding: chunked\r\n', '0\r\n\r\n'],
    ['two different Content-Lengths', 'Content-Length: 1\r\nContent-Length: 2\r\n', 'xx'],
    ['a negative Content-Length', 'Content-Length: -1\r\n', 'x'],
    ['Transfer-Encoding xchunked', 'Transfer-Encoding: xchunked\r\n', '1\r\nx\r\n0\r\n\r\n'],
    ['an obs-folded header', 'Transfer-Encoding:\r\n chunked\r\n', '1\r\nx\r\n0\r\n\r\n'],
    ['a space before the colon', 'Transfer-Encoding : chunked\r\n', '1\r\nx\r\n0\r\n\r\n'],
    ['a 20 KiB header', `X-Pad: ${'a'.repeat(20_000)}\r\n`, ''],
  ] as const
).map(([name, headers, body]) => ({
  name: `smuggling: ${name}`,
  s3: false,
  run: async (f: Fixture) => {
    const url = await f.partUrl();
    return rawRequest(f, (_g, host) => `PUT ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${host}\r\n${headers}\r\n${body}`);
  },
  status: 400,
  code: name === 'a 20 KiB header' ? 'RequestHeaderSectionTooLarge' : 'BadRequest',
}));

// --- a cross-site simple POST -------------------------------------------------------
const FOREIGN: StoreCase[] = [
  {
    name: 'foreign POST: create an upload from another origin, correctly signed',
    s3: false,
    run: (f) => signed(f, (g) => ({ method: 'POST', path: `/${g.backend.bucket}/foreign`, query: { uploads: '' }, headers: { origin: 'https://evil.example', 'content-type': 'text/plain' } })),
    status: 403,
    code: 'AccessForbidden',
  },
  {
    name: 'foreign POST: delete objects from another origin, correctly signed',
    s3: false,
    run: (f) =>
      signed(f, (g) => ({
        method: 'POST',
        path: `/${g.backend.bucket}`,
        query: { delete: '' },
        headers: { origin: 'null', 'content-type': 'text/plain' },
        body: `<Delete><Object><Key>${g.keep}</Key></Object></Delete>`,
      })),
    status: 403,
    code: 'AccessForbidden',
  },
  {
    name: 'foreign POST: a form post with the published keys',
    s3: false,
    run: (f) => signed(f, (g) => ({ method: 'POST', path: `/${g.backend.bucket}/foreign`, query: { uploads: '' }, headers: { origin: APP_ORIGIN } }), { accessKeyId: 'local-access-key', secretAccessKey: 'local-secret-key' }),
    status: 403,
    code: 'InvalidAccessKeyId',
  },
];

const CASES: StoreCase[] = [...UNAUTHENTICATED, ...HEADER_AUTH, ...PRESIGNED, ...XML, ...RESPONSE_OVERRIDES, ...TRAVERSAL, ...SMUGGLING, ...FOREIGN];

describe.each(backends)('$name', (backend) => {
  const s3 = createTestClient(backend);
  let fixture: Fixture;
  afterAll(() => s3.destroy());

  async function snapshot(): Promise<string> {
    const Bucket = backend.bucket;
    const objects = await s3.send(new ListObjectsV2Command({ Bucket }));
    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket }));
    const parts = await Promise.all(
      (uploads.Uploads ?? []).map(async (u) => ((await s3.send(new ListPartsCommand({ Bucket, Key: u.Key, UploadId: u.UploadId }))).Parts ?? []).map((p) => `${u.UploadId}:${p.PartNumber}:${p.ETag}`)),
    );
    return JSON.stringify({
      objects: (objects.Contents ?? []).map((o) => `${o.Key}:${o.ETag}:${o.Size}`).sort(),
      uploads: (uploads.Uploads ?? []).map((u) => `${u.Key}:${u.UploadId}`).sort(),
      parts: parts.flat().sort(),
    });
  }

  beforeAll(async () => {
    const Bucket = backend.bucket;
    const keep = 'hostile/keep.txt';
    await s3.send(new PutObjectCommand({ Bucket, Key: keep, Body: 'kept', ContentType: 'text/plain' }));
    const mpKey = 'hostile/mp.bin';
    const uploadId = await createUpload(s3, Bucket, mpKey);
    await s3.send(new UploadPartCommand({ Bucket, Key: mpKey, UploadId: uploadId, PartNumber: 1, Body: 'part one' }));
    fixture = {
      backend,
      s3,
      keep,
      mp: { key: mpKey, uploadId },
      partUrl: async (PartNumber = 2) =>
        new URL(await getSignedUrl(s3, new UploadPartCommand({ Bucket, Key: mpKey, UploadId: uploadId, PartNumber, ContentLength: 1 }), { expiresIn: 300, signableHeaders: new Set(['content-length']) })),
      getUrl: async () => new URL(await getSignedUrl(s3, new GetObjectCommand({ Bucket, Key: keep }), { expiresIn: 300 })),
    };
  });

  const cases = CASES.filter((c) => backend.name === 'local' || c.s3);

  it('holds the corpus', () => {
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
    expect(CASES.length).toBeGreaterThanOrEqual(90);
  });

  it.each(cases)('$name -> $status $code', async (c) => {
    const before = await snapshot();
    const answer = await c.run(fixture);
    expect(answer.status, answer.body.slice(0, 600)).toBe(c.status);
    expect(codeOf(answer.body)).toBe(c.code);
    expect(backend.internalErrors ?? []).toEqual([]);
    expect(await snapshot()).toBe(before);
  });
});

describe('slow bodies and connections (embedded store, short timeouts)', () => {
  let dataDir: string;
  let store: LocalS3;
  let s3: S3Client;
  const internalErrors: unknown[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hostile-slow-'));
    store = await startLocalS3({ dataDir, bodyIdleTimeoutMs: 300, maxConnections: 8, onInternalError: (e) => internalErrors.push(e) });
    s3 = createTestClient(store);
  });
  afterAll(async () => {
    s3.destroy();
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
    expect(internalErrors).toEqual([]);
  });

  async function putHead(key: string, length: number): Promise<string> {
    const url = new URL(await getSignedUrl(s3, new PutObjectCommand({ Bucket: store.bucket, Key: key, ContentLength: length }), { expiresIn: 60 }));
    return `PUT ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Length: ${length}\r\n\r\n`;
  }

  it.each([
    ['a body that never starts', '', undefined],
    ['a body that stops half-way', '01234', undefined],
    ['a byte every 600 ms', '0', { trickle: ['1', '2', '3'], gapMs: 600 }],
  ] as [string, string, RawOptions | undefined][])('%s: 400 RequestTimeout, closed, nothing stored', async (_name, start, options) => {
    const exchange = await rawExchange(store.endpoint, `${await putHead('slow', 10)}${start}`, { timeoutMs: 5000, awaitClose: true, ...options });
    expect(exchange.responses[0]?.status).toBe(400);
    expect(codeOf(exchange.responses[0]?.body ?? '')).toBe('RequestTimeout');
    expect(exchange.closed).toBe(true);
    expect((await s3.send(new ListObjectsV2Command({ Bucket: store.bucket }))).Contents ?? []).toEqual([]);
  });
});
