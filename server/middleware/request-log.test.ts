import type { AddressInfo } from 'node:net';
import express from 'express';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { redactTokenParams, requestLog } from './request-log.js';

interface Line {
  level: number;
  msg: string;
  reqId: number;
  req: { id: number; method: string; url: string };
  res: { statusCode: number };
  responseTime: number;
  uploadId?: string;
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A real Express app on port 0 with requestLog in front; its log lines, parsed. */
async function appLogging(level: string) {
  const lines: Line[] = [];
  const logger = pino({ level }, { write: (line: string) => void lines.push(JSON.parse(line) as Line) });
  const app = express();
  app.use(requestLog(logger));
  app.get('/ok', (_req, res) => {
    res.locals.uploadId = 'upload-1';
    res.json({ ok: true });
  });
  app.get('/refused', (_req, res) => void res.status(403).json({ error: 'no' }));
  app.get('/broken', (_req, res) => void res.status(500).json({ error: 'internal' }));
  app.get('/hang', (req) => req.socket.destroy());
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  /** Waits for the line of the request just made ('close' comes a moment after the answer). */
  const nextLine = async (count: number) => {
    for (let i = 0; i < 100 && lines.length < count; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    return lines[count - 1];
  };
  return { base, lines, nextLine };
}

describe('requestLog', () => {
  it('logs one info line per answered request: its number, method, URL, status, time and upload', async () => {
    const { base, lines, nextLine } = await appLogging('info');
    await (await fetch(`${base}/ok?x=1`)).text();
    await (await fetch(`${base}/ok`)).text();
    const first = await nextLine(1);
    const second = await nextLine(2);
    expect(first).toMatchObject({ level: 30, msg: 'request completed', req: { method: 'GET', url: '/ok?x=1' }, res: { statusCode: 200 }, uploadId: 'upload-1' });
    expect(first?.responseTime).toBeGreaterThanOrEqual(0);
    expect(second?.reqId).toBe((first?.reqId ?? 0) + 1);
    expect(second?.req.id).toBe(second?.reqId);
    expect(lines).toHaveLength(2);
  });

  it('warns for a 4xx, errors for a 5xx, warns for a response cut off, never with a stack', async () => {
    const { base, lines, nextLine } = await appLogging('info');
    await (await fetch(`${base}/refused`)).text();
    await (await fetch(`${base}/broken`)).text();
    await fetch(`${base}/hang`).catch(() => undefined);
    await nextLine(3);
    expect(lines.map((line) => [line.level, line.res.statusCode, line.msg])).toEqual([
      [40, 403, 'request completed'],
      [50, 500, 'request errored'],
      [40, 200, 'request cut off before its response was sent'],
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/"stack"|\n\s+at /);
  });

  it('redacts upload tokens sent in the query', async () => {
    const { base, nextLine } = await appLogging('info');
    await (await fetch(`${base}/refused?uploadToken=secret.value&a=1`)).text();
    expect((await nextLine(1))?.req.url).toBe('/refused?uploadToken=[redacted]&a=1');
  });

  it('writes nothing for levels that are off', async () => {
    const { base, lines, nextLine } = await appLogging('warn');
    await (await fetch(`${base}/ok`)).text();
    await (await fetch(`${base}/refused`)).text();
    await nextLine(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(lines.map((line) => line.res.statusCode)).toEqual([403]);
  });
});

describe('redactTokenParams', () => {
  it('hides token values in logged URLs', () => {
    expect(redactTokenParams('/api/uploads/parts?token=abc.def&x=1&uploadToken=zz')).toBe('/api/uploads/parts?token=[redacted]&x=1&uploadToken=[redacted]');
    expect(redactTokenParams('/api/uploads')).toBe('/api/uploads');
  });
});
