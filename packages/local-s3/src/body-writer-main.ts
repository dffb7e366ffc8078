/**
 * A body writer thread: appends each batch of a request body to its temp file
 * and hashes it while the write runs in libuv's thread pool (the store's own
 * metadata calls are synchronous, so they do not queue there). Messages are
 * handled one at a time: small bodies' work first; a big body's batches take
 * turns, one per event-loop turn, so a newly arrived message waits for one batch at most.
 */
import { closeSync, openSync, writev } from 'node:fs';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { ChecksumMeter } from './checksum.js';
import type { BodyDigests, FromBodyWriter, ToBodyWriter } from './body-writer-protocol.js';

const port = parentPort;
if (port === null) throw new Error('body-writer-main.ts runs only as a worker thread (see BodyWriterPool)');

interface OpenBody {
  fd: number;
  md5: Hash;
  sha256: Hash | undefined;
  checksum: ChecksumMeter | undefined;
}

const bodies = new Map<string, OpenBody>();
const urgent: ToBodyWriter[] = [];
const bulk: ToBodyWriter[] = [];
let scheduled = false;

function bodyOf(path: string): OpenBody {
  const body = bodies.get(path);
  if (!body) throw new Error(`no open body ${path}`);
  return body;
}

const writevAsync = promisify(writev);

async function writeFully(fd: number, chunks: Uint8Array[]): Promise<void> {
  let rest = chunks;
  while (rest.length > 0) {
    let { bytesWritten: written } = await writevAsync(fd, rest);
    // A partial write: drop what went out and write the rest.
    const left: Uint8Array[] = [];
    for (const chunk of rest) {
      if (written >= chunk.length) written -= chunk.length;
      else {
        left.push(written > 0 ? chunk.subarray(written) : chunk);
        written = 0;
      }
    }
    rest = left;
  }
}

async function run(message: ToBodyWriter): Promise<BodyDigests | undefined> {
  switch (message.op) {
    case 'open':
      bodies.set(message.path, {
        fd: openSync(message.path, 'wx'),
        md5: createHash('md5'),
        sha256: message.digests.sha256 ? createHash('sha256') : undefined,
        checksum: message.digests.checksum === undefined ? undefined : new ChecksumMeter(message.digests.checksum),
      });
      return undefined;
    case 'write': {
      const body = bodyOf(message.path);
      // Start the write first and hash while the thread pool copies the same (unchanging) chunks.
      const written = writeFully(body.fd, message.chunks);
      for (const chunk of message.chunks) {
        body.md5.update(chunk);
        body.sha256?.update(chunk);
        body.checksum?.update(chunk);
      }
      await written;
      return undefined;
    }
    case 'finish': {
      const body = bodyOf(message.path);
      bodies.delete(message.path);
      closeSync(body.fd);
      return { md5Hex: body.md5.digest('hex'), sha256Hex: body.sha256?.digest('hex'), checksumBase64: body.checksum?.digestBase64() };
    }
    case 'discard': {
      const body = bodies.get(message.path);
      bodies.delete(message.path);
      if (body) closeSync(body.fd);
      return undefined;
    }
  }
}

async function answer(message: ToBodyWriter): Promise<void> {
  let reply: FromBodyWriter;
  try {
    reply = { call: message.call, ok: true, digests: await run(message) };
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    reply = { call: message.call, ok: false, message: error instanceof Error ? error.message : String(error), code: typeof code === 'string' ? code : undefined };
  }
  port!.postMessage(reply);
}

/** Everything urgent, then one batch of a big body; then yield, so messages that arrived meanwhile are queued before the next turn. */
async function turn(): Promise<void> {
  for (let message = urgent.shift(); message; message = urgent.shift()) await answer(message);
  const next = bulk.shift();
  if (next) await answer(next);
  scheduled = false;
  if (urgent.length + bulk.length > 0) schedule();
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  setImmediate(() => void turn());
}

port.on('message', (message: ToBodyWriter) => {
  (message.urgent ? urgent : bulk).push(message);
  schedule();
});
