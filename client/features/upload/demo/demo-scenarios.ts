/**
 * Named demo scenarios: the files a scenario starts with and what each one's
 * upload does. Sizes are faked so a "960 MB" file costs a few bytes of memory.
 */
import { MissingEtagError, PartUploadError } from '../../../engine/errors.js';
import type { PartProgress, PartState, UploadProgress } from '../../../engine/types.js';
import type { FileLimits } from '../file-check.js';
import type { FakeScript } from './fake-uploader.js';

const MB = 1000 * 1000;
const PART = 8 * 1024 * 1024;

export const demoLimits: FileLimits = { maxFileSize: 5 * 1024 ** 4, allowedContentTypes: [] }; // S3's object limit

export interface DemoScenario {
  files: File[];
  scriptFor(file: File): FakeScript;
}

/** A File that reports `size` without holding that many bytes. */
export function fakeFile(name: string, size: number, type = ''): File {
  const file = new File(['demo'], name, { type });
  Object.defineProperty(file, 'size', { value: size });
  return file;
}

/** A snapshot of `count` parts whose states follow `stateOf`. */
export function snapshot(size: number, stateOf: (partNumber: number) => { state: PartState; fraction: number }, bytesPerSecond = 0): UploadProgress {
  const count = Math.max(1, Math.ceil(size / PART));
  const parts: PartProgress[] = Array.from({ length: count }, (_, i) => {
    const partNumber = i + 1;
    const partSize = Math.min(PART, size - i * PART);
    const { state, fraction } = stateOf(partNumber);
    return { partNumber, size: partSize, sentBytes: Math.round(partSize * fraction), state };
  });
  const transferredBytes = parts.reduce((sum, p) => sum + p.sentBytes, 0);
  return { transferredBytes, totalBytes: size, bytesPerSecond, etaSeconds: bytesPerSecond > 0 ? (size - transferredBytes) / bytesPerSecond : null, parts };
}

/** 120 parts: most stored, six in flight, one retrying, two being signed, the rest queued. */
function mixedParts(partNumber: number): { state: PartState; fraction: number } {
  if (partNumber <= 70) return { state: 'done', fraction: 1 };
  if (partNumber <= 76) return { state: 'uploading', fraction: ((partNumber * 37) % 90) / 100 + 0.05 };
  if (partNumber === 77) return { state: 'retrying', fraction: 0 };
  if (partNumber <= 79) return { state: 'signing', fraction: 0 };
  return { state: 'queued', fraction: 0 };
}

const uploadingFile = () => fakeFile('camera-roll-2024.mov', 120 * PART - 3 * MB, 'video/quicktime');
const doneFile = () => fakeFile('quarterly-report.pdf', 42_817_331, 'application/pdf');
const corsFile = () => fakeFile('database-backup.sql.gz', 3_400 * MB, 'application/gzip');
const partFile = () => fakeFile('site-photos.zip', 740 * MB, 'application/zip');
const tooBigFile = () => fakeFile('disk-image.iso', 6 * 1000 ** 4, 'application/x-iso9660-image');

function byName(scripts: Record<string, FakeScript>): (file: File) => FakeScript {
  return (file) => scripts[file.name] ?? { kind: 'simulate', partSize: PART, bytesPerSecond: 40 * MB, concurrency: 4 };
}

function scripts(): Record<string, FakeScript> {
  const uploading = uploadingFile();
  const done = doneFile();
  return {
    [uploading.name]: { kind: 'hold', progress: snapshot(uploading.size, mixedParts, 48.6 * MB) },
    [done.name]: {
      kind: 'succeed',
      progress: snapshot(done.size, () => ({ state: 'done', fraction: 1 })),
      result: {
        key: 'uploads/2b9c41d7/quarterly-report.pdf',
        size: done.size,
        etag: '"9f1c2a7be04d3c51e2f4a8b6d0c7e913-6"',
        downloadUrl: '#download',
      },
    },
    [corsFile().name]: {
      kind: 'fail',
      progress: snapshot(corsFile().size, (n) => (n === 1 ? { state: 'failed', fraction: 1 } : { state: 'queued', fraction: 0 })),
      error: new MissingEtagError(1, 200),
    },
    [partFile().name]: {
      kind: 'fail',
      progress: snapshot(partFile().size, (n) =>
        n <= 31 ? { state: 'done', fraction: 1 } : n === 32 ? { state: 'failed', fraction: 0 } : { state: 'queued', fraction: 0 },
      ),
      error: new PartUploadError(32, 403),
    },
  };
}

export function demoScenario(name: string, search: URLSearchParams): DemoScenario {
  const scriptFor = byName(scripts());
  switch (name) {
    case 'empty':
      return { files: [], scriptFor };
    case 'uploading':
      return { files: [uploadingFile()], scriptFor };
    case 'done':
      return { files: [doneFile()], scriptFor };
    case 'failed':
      return { files: [corsFile(), partFile(), tooBigFile()], scriptFor };
    case 'live': {
      // ?demo=live&parts=10000&speed=400 — a simulated upload to watch the part map at scale.
      const parts = clamp(Number(search.get('parts') ?? 400), 1, 10_000);
      const speed = clamp(Number(search.get('speed') ?? 200), 1, 100_000) * MB;
      const file = fakeFile(`simulated-${parts}-parts.bin`, parts * PART - 1, 'application/octet-stream');
      return { files: [file], scriptFor: () => ({ kind: 'simulate', partSize: PART, bytesPerSecond: speed, concurrency: 6 }) };
    }
    default:
      return { files: [uploadingFile(), doneFile(), corsFile(), tooBigFile()], scriptFor };
  }
}

function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, Math.round(value))) : min;
}
