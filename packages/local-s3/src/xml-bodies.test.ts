/**
 * Hostile XML in signed request bodies (DeleteObjects, PutBucketCors,
 * CompleteMultipartUpload): every one is 400 MalformedXML, never a 500, and
 * changes nothing. DTDs are refused outright, so no entity is ever expanded.
 */
import { CreateMultipartUploadCommand, GetBucketCorsCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendSigned } from '../testing/signed-request.js';
import { startTestStore } from './test-support.js';
import type { TestStore } from './test-support.js';

const Bucket = 'uploads';
let t: TestStore;
let uploadId: string;

beforeAll(async () => {
  t = await startTestStore();
  await t.client.send(new PutObjectCommand({ Bucket, Key: 'keep', Body: 'kept' }));
  uploadId = (await t.client.send(new CreateMultipartUploadCommand({ Bucket, Key: 'mp' }))).UploadId ?? '';
});
afterAll(() => t.stop());

const laughs = (): string => {
  const entities = ['<!ENTITY l0 "lollollollollollollollollollol">'];
  for (let i = 1; i < 10; i++) entities.push(`<!ENTITY l${i} "${`&l${i - 1};`.repeat(10)}">`);
  return `<?xml version="1.0"?><!DOCTYPE d [${entities.join('')}]>`;
};

/** Each body, wrapped for the operation by `wrap(inner)` where it needs a root. */
const HOSTILE: [string, (root: string, inner: string) => string][] = [
  ['an external entity', (root, inner) => `<?xml version="1.0"?><!DOCTYPE ${root} [<!ENTITY x SYSTEM "file:///etc/passwd">]><${root}>${inner.replace('KEY', '&x;')}</${root}>`],
  ['a parameter entity', (root, inner) => `<!DOCTYPE ${root} [<!ENTITY % p "<!ENTITY x 'keep'>"> %p;]><${root}>${inner.replace('KEY', '&x;')}</${root}>`],
  ['an internal entity', (root, inner) => `<!DOCTYPE ${root} [<!ENTITY x "keep">]><${root}>${inner.replace('KEY', '&x;')}</${root}>`],
  ['a billion laughs', (root, inner) => `${laughs()}<${root}>${inner.replace('KEY', '&l9;')}</${root}>`],
  ['a bare DOCTYPE', (root, inner) => `<!DOCTYPE ${root}><${root}>${inner.replace('KEY', 'keep')}</${root}>`],
  ['5,000 nested elements', (root) => `<${root}>${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</${root}>`],
  ['a __proto__ element', (root, inner) => `<${root}><__proto__><polluted>1</polluted></__proto__>${inner.replace('KEY', 'keep')}</${root}>`],
  ['a constructor element', (root, inner) => `<${root}><constructor><prototype>1</prototype></constructor>${inner.replace('KEY', 'keep')}</${root}>`],
  ['an unclosed element', (root) => `<${root}><Part>`],
  ['text that is not XML', () => 'not xml at all'],
];

const OPERATIONS = {
  delete: { method: 'POST', path: () => `/${Bucket}`, query: (): Record<string, string> => ({ delete: '' }), root: 'Delete', inner: '<Object><Key>KEY</Key></Object>' },
  cors: {
    method: 'PUT',
    path: () => `/${Bucket}`,
    query: (): Record<string, string> => ({ cors: '' }),
    root: 'CORSConfiguration',
    inner: '<CORSRule><AllowedOrigin>KEY</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>',
  },
  complete: { method: 'POST', path: () => `/${Bucket}/mp`, query: (): Record<string, string> => ({ uploadId }), root: 'CompleteMultipartUpload', inner: '<Part><PartNumber>1</PartNumber><ETag>KEY</ETag></Part>' },
} as const;

function send(operation: keyof typeof OPERATIONS, body: string) {
  const op = OPERATIONS[operation];
  return sendSigned(t.s3, { method: op.method, path: op.path(), query: op.query(), body });
}

describe.each(['delete', 'cors', 'complete'] as const)('%s', (operation) => {
  it.each(HOSTILE)('refuses %s with 400 MalformedXML', async (_name, make) => {
    const { root, inner } = OPERATIONS[operation];
    const before = await t.client.send(new GetBucketCorsCommand({ Bucket }));
    const { status, text } = await send(operation, make(root, inner));
    expect(status, text).toBe(400);
    expect(text).toContain('<Code>MalformedXML</Code>');
    expect(t.internalErrors).toEqual([]);
    // Nothing changed: the object is there, the CORS rules are as they were.
    await t.client.send(new HeadObjectCommand({ Bucket, Key: 'keep' }));
    expect((await t.client.send(new GetBucketCorsCommand({ Bucket }))).CORSRules).toEqual(before.CORSRules);
  });
});

it('still reads comments, CDATA and the predefined entities', async () => {
  const body = '<?xml version="1.0"?><!-- c --><Delete><Quiet>false</Quiet><Object><Key><![CDATA[a<b]]></Key></Object><Object><Key>c&amp;d</Key></Object></Delete>';
  const { status, text } = await send('delete', body);
  expect(status, text).toBe(200);
  expect(text).toContain('<Key>a&lt;b</Key>');
  expect(text).toContain('<Key>c&amp;d</Key>');
});
