/**
 * The hostile-input corpus against the API, on every backend (the embedded
 * store, and Ceph RGW when it is up): malformed JSON, hostile names and
 * content types, token tampering, traversal, request smuggling and slow
 * bodies. For each case: the exact 4xx status and error code, never a 5xx,
 * no stack trace or error in the logs, and nothing changed on the store.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListMultipartUploadsCommand, ListObjectsV2Command, ListPartsCommand } from '@aws-sdk/client-s3';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorBody, CreateUploadResponse, SignPartsResponse, UPLOAD_TOKEN_HEADER } from '../shared/api.js';
import type { ErrorCode } from '../shared/api.js';
import { TEST_SECRET, startTestApp } from '../testing/app-harness.js';
import type { TestApp } from '../testing/app-harness.js';
import { signUploadToken } from './upload-token.js';
import { rawExchange, startBackends } from '@s3-big-upload/local-s3/testing';
import type { RawOptions } from '@s3-big-upload/local-s3/testing';

const backends = await startBackends();
afterAll(() => Promise.all(backends.map((b) => b.close())));

const MiB = 1024 * 1024;
const SECRET_FILE_TEXT = 'secret beside the client folder';

/** `multi`: 2 parts (5 MiB + 1 byte), none stored. `small`: 1 part of 100 bytes, stored. */
interface Fixtures {
  multi: CreateUploadResponse;
  small: CreateUploadResponse;
  smallEtag: string;
}

type TokenChoice =
  | 'multi'
  | 'small'
  | 'missing'
  | 'empty'
  | 'garbage'
  | 'two-parts-bad-sig'
  | 'flipped-signature'
  | 'payload-size-changed'
  | 'truncated'
  | 'three-segments'
  | 'other-secret'
  | 'empty-secret'
  | 'expired'
  | 'oversized'
  | 'inner-space'
  | 'alg-none-jwt'
  | 'json'
  | 'latin1';

interface Case {
  name: string;
  method?: string;
  path?: string;
  token?: TokenChoice;
  headers?: Record<string, string>;
  /** Raw text sent as is, or a value sent as JSON. */
  body?: string | ((f: Fixtures) => unknown);
  /** Content-Type of the body; default application/json. */
  contentType?: string;
  /** A request written to the socket as is (smuggling, broken framing, slow bodies). */
  raw?: (host: string, f: Fixtures) => string;
  rawOptions?: RawOptions;
  status: number;
  code: ErrorCode;
}

const json = (value: unknown) => () => value;
const create = (body: unknown): Pick<Case, 'method' | 'path' | 'body'> => ({ method: 'POST', path: '/api/uploads', body: json(body) });
const createRaw = (body: string): Pick<Case, 'method' | 'path' | 'body'> => ({ method: 'POST', path: '/api/uploads', body });

const MALFORMED_JSON: Case[] = [
  ['{', '{'],
  ['a lone }', '}'],
  ['cut after a key', '{"fileName":'],
  ['trailing comma', '{"fileName":"a","size":1,}'],
  ['single quotes', "{'fileName':'a','size':1}"],
  ['missing comma', '{"fileName":"a" "size":1}'],
  ['NaN', '{"fileName":"a","size":NaN}'],
  ['Infinity', '{"fileName":"a","size":Infinity}'],
  ['a bad exponent', '{"fileName":"a","size":1e}'],
  ['a trailing comment', '{"fileName":"a","size":1}//c'],
  ['a leading comment', '/*c*/{"fileName":"a","size":1}'],
  ['an unclosed array', '[1,2'],
  ['a bad escape', '{"fileName":"\\x41","size":1}'],
  ['a BOM first', '\uFEFF{"fileName":"a","size":1}'],
  ['true', 'true'],
  ['a number', '1'],
  ['a string', '"fileName"'],
  ['null', 'null'],
  ['only spaces', '    '],
  ['garbage after the object', '{"fileName":"a","size":1}garbage'],
  ['two objects', '{"fileName":"a","size":1}{"fileName":"b","size":1}'],
  ['100,000 nested arrays', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
  ['100,000 nested objects', `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`],
  ['an unterminated string', '{"fileName":"a'],
  ['raw control characters in a string', '{"fileName":"a\u0001\u0002","size":1,"x":1}'],
].map(([name = '', body = '']) => ({ name: `malformed JSON: ${name}`, ...createRaw(body), status: 400, code: 'invalid_request' as const }));

const SCHEMA: Case[] = [
  ['an array body', []],
  ['a __proto__ key', JSON.parse('{"__proto__":{"size":1},"fileName":"a"}') as unknown],
  ['a constructor key', { constructor: { prototype: { polluted: 1 } }, fileName: 'a', size: 1 }],
  ['a duplicate key with a bad size', JSON.parse('{"fileName":"a","size":1,"size":-1}') as unknown],
  ['30,000 unknown keys', Object.fromEntries([['fileName', 'a'], ['size', 1], ...Array.from({ length: 30_000 }, (_, i) => [`k${i}`, i])])],
  ['fileName a number', { fileName: 42, size: 1 }],
  ['fileName null', { fileName: null, size: 1 }],
  ['fileName an array', { fileName: ['a'], size: 1 }],
  ['fileName an object', { fileName: { toString: 'a' }, size: 1 }],
  ['fileName true', { fileName: true, size: 1 }],
  ['fileName empty', { fileName: '', size: 1 }],
  ['fileName of tabs and newlines', { fileName: '\t\n\r ', size: 1 }],
  ['fileName of U+2028', { fileName: '\u2028\u2029', size: 1 }],
  ['fileName of a BOM', { fileName: '\uFEFF', size: 1 }],
  ['fileName of no-break spaces', { fileName: '\u00a0\u3000', size: 1 }],
  ['fileName of 1025 characters', { fileName: '../'.repeat(342), size: 1 }],
  ['fileName of 100,000 characters', { fileName: 'a'.repeat(100_000), size: 1 }],
  ['size negative', { fileName: 'a', size: -1 }],
  ['size fractional', { fileName: 'a', size: 1.5 }],
  ['size a string', { fileName: 'a', size: '1' }],
  ['size null', { fileName: 'a', size: null }],
  ['size true', { fileName: 'a', size: true }],
  ['size an array', { fileName: 'a', size: [1] }],
  ['size an object', { fileName: 'a', size: { valueOf: 1 } }],
  ['size beyond 2^53', JSON.parse('{"fileName":"a","size":9007199254740993}') as unknown],
  ['size 1e309 (Infinity)', JSON.parse('{"fileName":"a","size":1e308}') as unknown],
  ['size missing', { fileName: 'a' }],
  ['fileName missing', { size: 1 }],
].map(([name, body]) => ({ name: `schema: ${String(name)}`, ...create(body), status: 400, code: 'invalid_request' as const }));

const HOSTILE_CONTENT_TYPES: Case[] = [
  ['CR LF header injection', 'text/plain\r\nSet-Cookie: a=b'],
  ['CR LF before a parameter', 'text/plain\r\n; x=1'],
  ['a lone LF', 'text/plain\n'],
  ['a lone CR', 'text/plain\r'],
  ['NUL', 'text/plain\u0000'],
  ['NUL in a parameter', 'text/plain; a=\u0000'],
  ['U+0100', 'text/plain; name=\u0100'],
  ['Latin-1', '\u00e9/x'],
  ['U+00FF in a parameter', 'a/b; c=\u00ff'],
  ['an emoji', 'image/\u{1F600}'],
  ['U+2028', 'text/plain\u2028'],
  ['DEL', 'text/plain\u007f'],
  ['a tab only', '\t'],
  ['no subtype', 'text'],
  ['no subtype after the slash', 'text/'],
  ['no type', '/plain'],
  ['spaces in the type', 'text /plain'],
  ['a trailing semicolon', 'text/plain;'],
  ['a parameter without a value', 'text/plain; charset'],
  ['an unterminated quoted value', 'text/plain; a="b'],
  ['HTML in it', 'text/html<script>alert(1)</script>'],
  ['256 characters', `a/${'b'.repeat(254)}`],
  ['two slashes', 'a/b/c'],
].map(([name = '', contentType = '']) => ({ name: `contentType: ${name}`, ...create({ fileName: 'a', size: 1, contentType }), status: 400, code: 'invalid_request' as const }));

const CONTENT_TYPE_VALUES: Case[] = [
  { name: 'contentType: a number', ...create({ fileName: 'a', size: 1, contentType: 42 }), status: 400, code: 'invalid_request' },
  { name: 'contentType: null', ...create({ fileName: 'a', size: 1, contentType: null }), status: 400, code: 'invalid_request' },
  { name: 'contentType: an array', ...create({ fileName: 'a', size: 1, contentType: ['image/png'] }), status: 400, code: 'invalid_request' },
  { name: 'contentType not allowed', ...create({ fileName: 'a', size: 1, contentType: 'text/html' }), status: 415, code: 'content_type_not_allowed' },
  { name: 'contentType image-like prefix', ...create({ fileName: 'a', size: 1, contentType: 'imagex/png' }), status: 415, code: 'content_type_not_allowed' },
  { name: 'contentType allowed type as a suffix', ...create({ fileName: 'a', size: 1, contentType: 'application/octet-streamx' }), status: 415, code: 'content_type_not_allowed' },
  { name: 'contentType allowed type in a parameter', ...create({ fileName: 'a', size: 1, contentType: 'text/html; x=image' }), status: 415, code: 'content_type_not_allowed' },
  { name: 'size over the app limit', ...create({ fileName: 'a', size: 1024 ** 3 + 1 }), status: 413, code: 'file_too_large' },
  { name: 'size over S3 limit', ...create({ fileName: 'a', size: 6 * 1024 ** 4 }), status: 413, code: 'file_too_large' },
];

const REQUEST_MEDIA_TYPES: Case[] = [
  ['text/plain', { 'content-type': 'text/plain' }],
  ['a form', { 'content-type': 'application/x-www-form-urlencoded' }],
  ['multipart', { 'content-type': 'multipart/form-data; boundary=x' }],
  ['application/jsonx', { 'content-type': 'application/jsonx' }],
  ['application/vnd.api+json', { 'content-type': 'application/vnd.api+json' }],
  ['latin1 JSON', { 'content-type': 'application/json; charset=latin1' }],
  ['UTF-16 JSON', { 'content-type': 'application/json; charset=utf-16' }],
  ['gzip JSON', { 'content-type': 'application/json', 'content-encoding': 'gzip' }],
  ['deflate JSON', { 'content-type': 'application/json', 'content-encoding': 'deflate' }],
].map(([name, headers]) => ({
  name: `request media type: ${String(name)}`,
  method: 'POST',
  path: '/api/uploads',
  body: '{"fileName":"a","size":1}',
  headers: headers as Record<string, string>,
  status: 415,
  code: 'unsupported_media_type' as const,
}));

const BAD_TOKENS: [TokenChoice, 'invalid_token' | 'token_expired'][] = [
  ['missing', 'invalid_token'],
  ['empty', 'invalid_token'],
  ['garbage', 'invalid_token'],
  ['two-parts-bad-sig', 'invalid_token'],
  ['flipped-signature', 'invalid_token'],
  ['payload-size-changed', 'invalid_token'],
  ['truncated', 'invalid_token'],
  ['three-segments', 'invalid_token'],
  ['other-secret', 'invalid_token'],
  ['empty-secret', 'invalid_token'],
  ['expired', 'token_expired'],
  ['oversized', 'invalid_token'],
  ['inner-space', 'invalid_token'],
  ['alg-none-jwt', 'invalid_token'],
  ['json', 'invalid_token'],
  ['latin1', 'invalid_token'],
];
const UPLOAD_ROUTES: Pick<Case, 'method' | 'path' | 'body'>[] = [
  { method: 'POST', path: '/api/uploads/sign', body: json({ parts: [{ partNumber: 1, md5: 'AAAAAAAAAAAAAAAAAAAAAA==' }] }) },
  { method: 'GET', path: '/api/uploads/parts' },
  { method: 'POST', path: '/api/uploads/complete', body: (f) => ({ expectedEtag: '0123456789abcdef0123456789abcdef-1', parts: [{ partNumber: 1, etag: f.smallEtag }] }) },
  { method: 'DELETE', path: '/api/uploads' },
];
const TOKENS: Case[] = [
  ...UPLOAD_ROUTES.flatMap((route) =>
    BAD_TOKENS.map(([token, code]) => ({ name: `token ${token}: ${route.method} ${route.path}`, ...route, token, status: 401, code })),
  ),
  { name: 'token in the query', method: 'GET', path: '/api/uploads/parts?token=TOKEN', status: 401, code: 'invalid_token' },
  { name: 'token in the query as uploadToken', method: 'DELETE', path: '/api/uploads?uploadToken=TOKEN', token: 'small', status: 401, code: 'invalid_token' },
  { name: 'token in the query as X-Upload-Token', method: 'GET', path: '/api/uploads/parts?X-Upload-Token=TOKEN', status: 401, code: 'invalid_token' },
  { name: 'token in a cookie', method: 'GET', path: '/api/uploads/parts', headers: { cookie: 'x-upload-token=TOKEN' }, status: 401, code: 'invalid_token' },
  { name: 'token as a bearer', method: 'GET', path: '/api/uploads/parts', headers: { authorization: 'Bearer TOKEN' }, status: 401, code: 'invalid_token' },
];

const sign = (body: unknown): Pick<Case, 'method' | 'path' | 'body' | 'token'> => ({ method: 'POST', path: '/api/uploads/sign', token: 'multi', body: json(body) });
const MD5 = 'AAAAAAAAAAAAAAAAAAAAAA==';
const part = (partNumber: unknown, md5: unknown = MD5) => ({ partNumber, md5 });
const SIGN: Case[] = [
  ...(
    [
      ['part 0', { parts: [part(0)] }],
      ['part -1', { parts: [part(-1)] }],
      ['part 10001', { parts: [part(10_001)] }],
      ['part 1.5', { parts: [part(1.5)] }],
      ['part as a string', { parts: [part('1')] }],
      ['part null', { parts: [part(null)] }],
      ['no parts', { parts: [] }],
      ['101 parts', { parts: Array.from({ length: 101 }, (_, i) => part(i + 1)) }],
      ['a repeated part', { parts: [part(1), part(1)] }],
      ['parts a number', { parts: 1 }],
      ['parts an object', { parts: { 0: part(1) } }],
      ['parts missing', {}],
      ['an extra key', { parts: [part(1)], expiresIn: 604800 }],
      ['a key for another upload', { parts: [part(1)], key: '../other' }],
      ['an extra key in a part', { parts: [{ ...part(1), contentLength: 5 * MiB * 1000 }] }],
      ['no md5 in md5 mode', { parts: [{ partNumber: 1 }] }],
      ['an md5 in hex', { parts: [part(1, '0123456789abcdef0123456789abcdef')] }],
      ['an md5 with CR LF', { parts: [part(1, 'AAAAAAAAAAAAAAAAAAAAAA==\r\nX: 1')] }],
      ['an md5 too short', { parts: [part(1, 'AAAA')] }],
      ['an md5 a number', { parts: [part(1, 16)] }],
    ] as const
  ).map(([name, body]): Case => ({ name: `sign: ${name}`, ...sign(body), status: 400, code: 'invalid_request' })),
  { name: 'sign: a part beyond the plan', ...sign({ parts: [part(3)] }), status: 400, code: 'part_out_of_range' },
  { name: 'sign: parts beyond the plan among good ones', ...sign({ parts: [1, 2, 3, 9999].map((n) => part(n)) }), status: 400, code: 'part_out_of_range' },
];

const EXPECTED = '0123456789abcdef0123456789abcdef-2';
const complete = (body: object): Pick<Case, 'method' | 'path' | 'body' | 'token'> => ({ method: 'POST', path: '/api/uploads/complete', token: 'multi', body: json({ expectedEtag: EXPECTED, ...body }) });
const ETAG = '"0123456789abcdef0123456789abcdef"';
const COMPLETE: Case[] = [
  { name: 'complete: no expectedEtag in md5 mode', ...complete({ expectedEtag: undefined, parts: [{ partNumber: 1, etag: ETAG }, { partNumber: 2, etag: ETAG }] }), status: 400, code: 'invalid_request' },
  { name: 'complete: expectedEtag not an ETag', ...complete({ expectedEtag: '../../x', parts: [{ partNumber: 1, etag: ETAG }] }), status: 400, code: 'invalid_request' },
  { name: 'complete: expectedEtag with CR LF', ...complete({ expectedEtag: `${EXPECTED}\r\n`, parts: [{ partNumber: 1, etag: ETAG }] }), status: 400, code: 'invalid_request' },
  { name: 'complete: no parts', ...complete({ parts: [] }), status: 400, code: 'invalid_request' },
  { name: 'complete: parts missing', ...complete({}), status: 400, code: 'invalid_request' },
  { name: 'complete: part 0', ...complete({ parts: [{ partNumber: 0, etag: ETAG }] }), status: 400, code: 'invalid_request' },
  { name: 'complete: part 10001', ...complete({ parts: [{ partNumber: 10_001, etag: ETAG }] }), status: 400, code: 'invalid_request' },
  { name: 'complete: empty ETag', ...complete({ parts: [{ partNumber: 1, etag: '' }] }), status: 400, code: 'invalid_request' },
  { name: 'complete: 201-character ETag', ...complete({ parts: [{ partNumber: 1, etag: 'e'.repeat(201) }] }), status: 400, code: 'invalid_request' },
  { name: 'complete: ETag a number', ...complete({ parts: [{ partNumber: 1, etag: 1 }] }), status: 400, code: 'invalid_request' },
  { name: 'complete: an extra key in a part', ...complete({ parts: [{ partNumber: 1, etag: ETAG, size: 1 }] }), status: 400, code: 'invalid_request' },
  { name: 'complete: a part twice', ...complete({ parts: [{ partNumber: 1, etag: ETAG }, { partNumber: 1, etag: ETAG }, { partNumber: 2, etag: ETAG }] }), status: 400, code: 'missing_parts' },
  { name: 'complete: a part left out', ...complete({ parts: [{ partNumber: 1, etag: ETAG }] }), status: 400, code: 'missing_parts' },
  { name: 'complete: parts never stored', ...complete({ parts: [{ partNumber: 1, etag: ETAG }, { partNumber: 2, etag: ETAG }] }), status: 400, code: 'missing_parts' },
  { name: 'complete: a part beyond the plan', ...complete({ parts: [1, 2, 3].map((partNumber) => ({ partNumber, etag: ETAG })) }), status: 400, code: 'part_out_of_range' },
  { name: 'complete: a stored part with a wrong ETag', method: 'POST', path: '/api/uploads/complete', token: 'small', body: json({ expectedEtag: '0123456789abcdef0123456789abcdef-1', parts: [{ partNumber: 1, etag: ETAG }] }), status: 400, code: 'etag_mismatch' },
];

const ROUTES: Case[] = [
  ['GET', '/api'],
  ['GET', '/api/'],
  ['GET', '/api/uploads/x'],
  ['POST', '/api/uploads/sign/extra'],
  ['GET', '/api/%2e%2e/config'],
  ['GET', '/api//uploads'],
  ['GET', '/api/uploads%2fparts'],
  ['GET', '/api/config.json'],
  ['GET', '/etc/passwd'],
  ['GET', '/%2e%2e/%2e%2e/etc/passwd'],
  ['GET', '/..%2f..%2fpackage.json'],
  ['GET', '/.env'],
  ['GET', '/.git/config'],
  ['GET', '/secret.txt'],
  ['GET', '/index.html%00.js'],
].map(([method = '', path = '']) => ({ name: `route: ${method} ${path}`, method, path, headers: { accept: 'application/json' }, status: 404, code: 'not_found' as const }));

const METHODS: Case[] = [
  ['PUT', '/api/uploads'],
  ['PATCH', '/api/uploads'],
  ['GET', '/api/uploads'],
  ['GET', '/api/uploads/sign'],
  ['PUT', '/api/uploads/sign'],
  ['POST', '/api/uploads/parts'],
  ['GET', '/api/uploads/complete'],
  ['DELETE', '/api/config'],
  ['POST', '/api/config'],
  ['POST', '/health'],
  ['DELETE', '/metrics'],
].map(([method = '', path = '']) => ({ name: `method: ${method} ${path}`, method, path, status: 405, code: 'method_not_allowed' as const }));

const request = (head: string, body = '') => (host: string) => `${head.replace('HOST', host)}\r\n${body}`;
const POST_HEAD = 'POST /api/uploads HTTP/1.1\r\nHost: HOST\r\nContent-Type: application/json\r\n';
const SMUGGLING: Case[] = [
  ['Content-Length and Transfer-Encoding', `${POST_HEAD}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n`, '0\r\n\r\nGET /api/config HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['Transfer-Encoding and Content-Length', `${POST_HEAD}Transfer-Encoding: chunked\r\nContent-Length: 4\r\n`, '0\r\n\r\n'],
  ['two different Content-Lengths', `${POST_HEAD}Content-Length: 2\r\nContent-Length: 30\r\n`, '{}'],
  ['a Content-Length list', `${POST_HEAD}Content-Length: 2, 30\r\n`, '{}'],
  ['a negative Content-Length', `${POST_HEAD}Content-Length: -1\r\n`, '{}'],
  ['a hex Content-Length', `${POST_HEAD}Content-Length: 0x2\r\n`, '{}'],
  ['a signed Content-Length', `${POST_HEAD}Content-Length: +2\r\n`, '{}'],
  ['Transfer-Encoding xchunked', `${POST_HEAD}Transfer-Encoding: xchunked\r\n`, '2\r\n{}\r\n0\r\n\r\n'],
  ['Transfer-Encoding chunked, identity', `${POST_HEAD}Transfer-Encoding: chunked, identity\r\n`, '2\r\n{}\r\n0\r\n\r\n'],
  ['a space before the colon', `${POST_HEAD}Transfer-Encoding : chunked\r\n`, '2\r\n{}\r\n0\r\n\r\n'],
  ['an obs-folded Transfer-Encoding', `${POST_HEAD}Transfer-Encoding:\r\n chunked\r\n`, '2\r\n{}\r\n0\r\n\r\n'],
  ['a bad chunk size', `${POST_HEAD}Transfer-Encoding: chunked\r\n`, 'zz\r\n{}\r\n0\r\n\r\n'],
  ['a NUL in the request line', 'GET /api/con\u0000fig HTTP/1.1\r\nHost: HOST\r\n', ''],
  ['a space in the path', 'GET /api/con fig HTTP/1.1\r\nHost: HOST\r\n', ''],
  ['a header name with a space', 'GET /api/config HTTP/1.1\r\nHost: HOST\r\nX Bad: 1\r\n', ''],
  ['an unknown HTTP version', 'GET /api/config HTTP/9.9\r\nHost: HOST\r\n', ''],
].map(([name = '', head = '', body = '']) => ({ name: `smuggling: ${name}`, raw: request(head, body), status: 400, code: 'invalid_request' as const }));

const SLOW: Case[] = [
  { name: 'slow: a declared 100 GB body', raw: request(`${POST_HEAD}Content-Length: 100000000000\r\n`, '{"fileName"'), status: 413, code: 'payload_too_large' },
  { name: 'slow: a declared 1 MiB + 1 body', raw: request(`${POST_HEAD}Content-Length: ${MiB + 1}\r\n`), status: 413, code: 'payload_too_large' },
  { name: 'slow: an endless chunked body', raw: request(`${POST_HEAD}Transfer-Encoding: chunked\r\n`, `100001\r\n${' '.repeat(0x100001)}\r\n`), status: 413, code: 'payload_too_large' },
  { name: 'slow: a body that stops', raw: request(`${POST_HEAD}Content-Length: 40\r\n`, '{"fileName":'), status: 408, code: 'request_timeout' },
  { name: 'slow: a body a byte per idle timeout', raw: request(`${POST_HEAD}Content-Length: 40\r\n`, '{'), rawOptions: { trickle: ['"', 'f', 'i', 'l'], gapMs: 400 }, status: 408, code: 'request_timeout' },
  { name: 'slow: a header over 16 KiB', raw: request(`GET /api/config HTTP/1.1\r\nHost: HOST\r\nX-Pad: ${'a'.repeat(20_000)}\r\n`), status: 431, code: 'invalid_request' },
  { name: 'slow: a body shorter than declared, then the client stops sending', raw: request(`${POST_HEAD}Content-Length: 40\r\n`, '{"fileName":"a"}'), rawOptions: { endAfterWrite: true }, status: 400, code: 'invalid_request' },
];

const CASES: Case[] = [
  ...MALFORMED_JSON,
  ...SCHEMA,
  ...HOSTILE_CONTENT_TYPES,
  ...CONTENT_TYPE_VALUES,
  ...REQUEST_MEDIA_TYPES,
  ...TOKENS,
  ...SIGN,
  ...COMPLETE,
  ...ROUTES,
  ...METHODS,
  ...SMUGGLING,
  ...SLOW,
];

/** File names a person's disk may hold: the server accepts them and makes a safe key of each. */
const HOSTILE_NAMES = [
  '../../../etc/passwd',
  '..\\..\\windows\\system32\\config',
  '/absolute/path.txt',
  '..',
  '.',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  'a\u0000b.txt',
  'a\r\nX-Injected: 1.txt',
  '\u202egnp.exe',
  'CON',
  '<script>alert(1)</script>.html',
  'a?b#c&d=e.txt',
  '\u{1F600}'.repeat(300),
];

describe.each(backends)('$name', (backend) => {
  let app: TestApp;
  let fixtures: Fixtures;
  let tokens: Record<TokenChoice, string | undefined>;
  let staticDir: string;
  const logLines: string[] = [];

  async function send(method: string, path: string, options: { token?: string; body?: string; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers[UPLOAD_TOKEN_HEADER] = options.token;
    if (options.body !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${app.baseUrl}${path}`, { method, headers, ...(options.body !== undefined && { body: options.body }) });
    return { status: response.status, text: await response.text() };
  }

  /** Everything the app can have touched in the bucket: its uploads, their parts, its objects. */
  async function snapshot(): Promise<string> {
    const prefix = app.config.keyPrefix;
    const uploads = await app.s3.send(new ListMultipartUploadsCommand({ Bucket: app.bucket, Prefix: prefix }));
    const objects = await app.s3.send(new ListObjectsV2Command({ Bucket: app.bucket, Prefix: prefix }));
    const parts = await Promise.all(
      (uploads.Uploads ?? []).map(async (u) => {
        const listed = await app.s3.send(new ListPartsCommand({ Bucket: app.bucket, Key: u.Key, UploadId: u.UploadId }));
        return (listed.Parts ?? []).map((p) => `${u.UploadId}:${p.PartNumber}:${p.ETag}:${p.Size}`);
      }),
    );
    return JSON.stringify({
      uploads: (uploads.Uploads ?? []).map((u) => `${u.Key}:${u.UploadId}`).sort(),
      parts: parts.flat().sort(),
      objects: (objects.Contents ?? []).map((o) => `${o.Key}:${o.ETag}:${o.Size}`).sort(),
    });
  }

  beforeAll(async () => {
    staticDir = await mkdtemp(join(tmpdir(), 'hostile-static-'));
    await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>app</title>');
    await writeFile(join(staticDir, '..', `secret-${staticDir.split('-').pop()}.txt`), SECRET_FILE_TEXT);
    const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });
    app = await startTestApp(backend, { allowedContentTypes: ['image/*', 'application/octet-stream'] }, { logger, staticDir, bodyIdleTimeoutMs: 300 });
    const createUpload = async (fileName: string, size: number) =>
      CreateUploadResponse.parse(JSON.parse((await send('POST', '/api/uploads', { body: JSON.stringify({ fileName, size }) })).text));
    const multi = await createUpload('multi.bin', 5 * MiB + 1);
    const small = await createUpload('small.bin', 100);
    const bytes = Buffer.alloc(100, 1);
    const md5 = createHash('md5').update(bytes).digest('base64');
    const signed = SignPartsResponse.parse(JSON.parse((await send('POST', '/api/uploads/sign', { token: small.token, body: JSON.stringify({ parts: [{ partNumber: 1, md5 }] }) })).text));
    const put = await fetch(signed.parts[0]?.url ?? '', { method: 'PUT', body: bytes, headers: signed.parts[0]?.headers ?? {} });
    expect(put.status).toBe(200);
    fixtures = { multi, small, smallEtag: put.headers.get('etag') ?? '' };

    const [payload = '', signature = ''] = small.token.split('.');
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = { uploadId: small.uploadId, key: small.key, size: small.size, partSize: small.partSize };
    const flipped = `${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    tokens = {
      multi: multi.token,
      small: small.token,
      missing: undefined,
      empty: '',
      garbage: 'not-a-token',
      'two-parts-bad-sig': 'a.b',
      'flipped-signature': `${payload}.${flipped}`,
      'payload-size-changed': `${Buffer.from(JSON.stringify({ ...decoded, size: 10 ** 12 })).toString('base64url')}.${signature}`,
      truncated: small.token.slice(0, -1),
      'three-segments': `${small.token}.x`,
      'other-secret': signUploadToken({ ...forged, expiresAt: app.clock.now() + 60_000 }, 'another-secret-0123456789abcdef0123456789'),
      'empty-secret': signUploadToken({ ...forged, expiresAt: app.clock.now() + 60_000 }, ''),
      expired: signUploadToken({ ...forged, expiresAt: app.clock.now() - 1 }, TEST_SECRET),
      oversized: `${'a'.repeat(5000)}.${signature}`,
      'inner-space': `${payload} .${signature}`,
      'alg-none-jwt': `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.`,
      json: JSON.stringify(forged),
      latin1: `${payload}\u00e9.${signature}`,
    };
  });
  afterAll(async () => {
    await app?.close();
    if (staticDir !== undefined) {
      await rm(join(staticDir, '..', `secret-${staticDir.split('-').pop()}.txt`), { force: true });
      await rm(staticDir, { recursive: true, force: true });
    }
  });

  it('holds at least 200 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(200);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  it.concurrent.each(CASES)('$name -> $status $code', async (c) => {
    const before = await snapshot();
    const logsBefore = logLines.length;
    let status: number;
    let text: string;
    if (c.raw) {
      const exchange = await rawExchange(app.baseUrl, c.raw(new URL(app.baseUrl).host, fixtures), { timeoutMs: 5000, ...c.rawOptions });
      const response = exchange.responses[0];
      expect(response, `no response; closed=${exchange.closed}`).toBeDefined();
      status = response?.status ?? 0;
      text = response?.body ?? '';
    } else {
      const token = c.token === undefined ? undefined : tokens[c.token];
      const path = (c.path ?? '/').replace('TOKEN', encodeURIComponent(tokens.small ?? ''));
      const headers = Object.fromEntries(Object.entries(c.headers ?? {}).map(([k, v]) => [k, v.replace('TOKEN', tokens.small ?? '')]));
      const body = typeof c.body === 'function' ? JSON.stringify(c.body(fixtures)) : c.body;
      ({ status, text } = await send(c.method ?? 'GET', path, {
        ...(token !== undefined && { token }),
        ...(body !== undefined && { body }),
        headers,
      }));
    }
    expect(status, text.slice(0, 500)).toBe(c.status);
    const { error } = ApiErrorBody.parse(JSON.parse(text));
    expect(error.code).toBe(c.code);
    expect(text).not.toContain(SECRET_FILE_TEXT);
    expect(text.length).toBeLessThan(8 * 1024);
    // Logs: no stack trace, nothing at error level or above.
    const logged = logLines.slice(logsBefore);
    expect(logged.filter((line) => /"stack"|\n\s+at /.test(line) || (JSON.parse(line) as { level: number }).level >= 50)).toEqual([]);
    expect(backend.internalErrors ?? []).toEqual([]);
    expect(await snapshot()).toBe(before);
  });

  it.each(HOSTILE_NAMES)('accepts the file name %j, makes a safe key under the prefix, and aborts it', async (fileName) => {
    const before = await snapshot();
    const created = await send('POST', '/api/uploads', { body: JSON.stringify({ fileName, size: 1 }) });
    expect(created.status, created.text).toBe(201);
    const upload = CreateUploadResponse.parse(JSON.parse(created.text));
    const last = upload.key.slice(app.config.keyPrefix.length).split('/');
    expect(upload.key.startsWith(app.config.keyPrefix)).toBe(true);
    expect(last).toHaveLength(2);
    expect(last[1]).not.toMatch(/^\.{1,2}$|[\p{Cc}\u202e\\/]/u);
    expect((await send('DELETE', '/api/uploads', { token: upload.token })).status).toBe(204);
    expect(await snapshot()).toBe(before);
  });

  it('the page itself is still served from the static folder', async () => {
    const page = await send('GET', '/', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.text).toContain('<title>app</title>');
  });
});
