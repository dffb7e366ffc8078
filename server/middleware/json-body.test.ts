import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorBody } from '../../shared/api.js';
import { rawExchange } from '@s3-big-upload/local-s3/testing';
import { createErrorHandler } from './error-handler.js';
import { jsonBody, refuseDeclaredOversize } from './json-body.js';

const LIMIT = 1024;
let server: Server;
let origin: string;

beforeAll(async () => {
  const app = express();
  app.use(refuseDeclaredOversize(LIMIT * 4));
  app.use(jsonBody({ limit: LIMIT, idleTimeoutMs: 300 }));
  app.post('/echo', (req, res) => void res.json({ got: req.body as unknown }));
  app.use(createErrorHandler(pino({ level: 'silent' })));
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

const head = (headers: string) => `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${headers}\r\n`;
const errorOf = (body: string) => ApiErrorBody.parse(JSON.parse(body)).error;

describe('jsonBody', () => {
  it('parses a JSON object', async () => {
    const body = '{"a":1}';
    const { responses } = await rawExchange(origin, `${head(`Content-Length: ${body.length}\r\n`)}${body}`);
    expect(responses[0]?.status).toBe(200);
    expect(JSON.parse(responses[0]?.body ?? '')).toEqual({ got: { a: 1 } });
  });

  it('answers a declared 100 GB at once with 413, without waiting for the body, and closes', async () => {
    const exchange = await rawExchange(origin, head('Content-Length: 100000000000\r\n'), { timeoutMs: 2000, awaitClose: true });
    expect(exchange.responses[0]?.status).toBe(413);
    expect(errorOf(exchange.responses[0]?.body ?? '')).toMatchObject({ code: 'payload_too_large', message: expect.stringMatching(/declared request body of 100000000000 bytes exceeds the limit of 4096/) });
    expect(exchange.responses[0]?.headers.connection).toBe('close');
    expect(exchange.closed).toBe(true);
  });

  it('answers a declared length over the JSON limit with 413 before reading it', async () => {
    const exchange = await rawExchange(origin, head(`Content-Length: ${LIMIT + 1}\r\n`), { timeoutMs: 2000, awaitClose: true });
    expect(exchange.responses[0]?.status).toBe(413);
    expect(errorOf(exchange.responses[0]?.body ?? '').message).toMatch(/exceeds the limit of 1024 bytes/);
    expect(exchange.closed).toBe(true);
  });

  it('cuts a chunked body off at the limit while the client is still sending', async () => {
    const chunk = `${(LIMIT + 10).toString(16)}\r\n${'x'.repeat(LIMIT + 10)}\r\n`;
    // No terminating 0-chunk: the client would go on forever.
    const exchange = await rawExchange(origin, `${head('Transfer-Encoding: chunked\r\n')}${chunk}`, { timeoutMs: 2000, awaitClose: true });
    expect(exchange.responses[0]?.status).toBe(413);
    expect(exchange.closed).toBe(true);
  });

  it('answers 408 when the body stops arriving, and closes', async () => {
    const exchange = await rawExchange(origin, `${head('Content-Length: 50\r\n')}{"a":`, { timeoutMs: 3000, awaitClose: true });
    expect(exchange.responses[0]?.status).toBe(408);
    expect(errorOf(exchange.responses[0]?.body ?? '')).toMatchObject({ code: 'request_timeout' });
    expect(exchange.closed).toBe(true);
  });

  it('answers 408 for a body trickling slower than the idle timeout', async () => {
    const exchange = await rawExchange(origin, `${head('Content-Length: 20\r\n')}{`, { trickle: ['"', 'a', '"'], gapMs: 500, timeoutMs: 3000 });
    expect(exchange.responses[0]?.status).toBe(408);
  });

  it.each([
    ['a JSON string', '"x"', 400, 'invalid_request'],
    ['null', 'null', 400, 'invalid_request'],
    ['broken JSON', '{"a":', 400, 'invalid_request'],
  ])('refuses %s with 400', async (_name, body, status, code) => {
    const { responses } = await rawExchange(origin, `${head(`Content-Length: ${body.length}\r\n`)}${body}`);
    expect(responses[0]?.status).toBe(status);
    expect(errorOf(responses[0]?.body ?? '').code).toBe(code);
  });

  it.each([
    ['latin1', 'Content-Type: application/json; charset=latin1\r\n'],
    ['gzip', 'Content-Encoding: gzip\r\n'],
  ])('refuses a %s body with 415', async (_name, extra) => {
    const body = '{}';
    const request = `POST /echo HTTP/1.1\r\nHost: x\r\n${extra.startsWith('Content-Type') ? '' : 'Content-Type: application/json\r\n'}${extra}Content-Length: 2\r\n\r\n${body}`;
    const { responses } = await rawExchange(origin, request);
    expect(responses[0]?.status).toBe(415);
    expect(errorOf(responses[0]?.body ?? '').code).toBe('unsupported_media_type');
  });
});
