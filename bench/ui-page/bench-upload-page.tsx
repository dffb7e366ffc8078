/**
 * The real upload page and the real engine (createUploader) over an in-browser
 * fake API and a paced fake transport, for the UI smoothness benchmark
 * (bench/cases/ui-smoothness.ts). Open `/?parts=10000` on the bench page's own
 * build (vite.config.ts here); once mounted, the page drops one simulated file
 * (or `files=1000` of them) on itself, as a person would. Settings: bench-settings.ts.
 */
import { useEffect, useRef, useState } from 'react';
import { createUploader } from '../../client/engine/uploader.js';
import type { FileLimits } from '../../client/features/upload/file-check.js';
import { UploadPage } from '../../client/features/upload/upload-page.js';
import { createBenchUploadApi } from './bench-upload-api.js';
import { readBenchSettings } from './bench-settings.js';
import { createPacedTransport } from './paced-transport.js';

const benchLimits: FileLimits = { maxFileSize: 5 * 1024 ** 4, allowedContentTypes: [] };

const NO_BYTES = new Blob([]);

/**
 * A File that reports `size` without holding the bytes (its slices are empty).
 * File-shaped, not `new File()`: each real File registers a blob with the
 * browser, which costs 1,000 files 200 ms of the page's main thread, a cost a
 * real drop (whose files the browser made) does not have.
 */
function simulatedFile(name: string, size: number): File {
  const file: Pick<File, 'name' | 'size' | 'type' | 'lastModified' | 'webkitRelativePath' | 'slice'> = {
    name,
    size,
    type: 'application/octet-stream',
    lastModified: 0,
    webkitRelativePath: '',
    slice: () => NO_BYTES,
  };
  return file as File;
}

/** A drop on the window, as UploadPage's drop hook reads it (a real DataTransfer would copy the files). */
function dropFiles(files: readonly File[]): void {
  const drop = new Event('drop', { bubbles: true, cancelable: true });
  // No items: the page then reads `files`, as it does for a drop whose items are unreadable.
  Object.defineProperty(drop, 'dataTransfer', { value: { types: ['Files'], files, items: [] } });
  window.dispatchEvent(drop);
}

export function BenchUploadPage({ search = window.location.search }: { search?: string }) {
  const [setup] = useState(() => {
    const settings = readBenchSettings(search);
    const api = createBenchUploadApi({ partSize: settings.partSize, latencyMs: settings.signLatencyMs });
    const transport = createPacedTransport({
      bytesPerSecondPerPart: settings.bytesPerSecond / settings.concurrency,
      progressIntervalMs: settings.progressIntervalMs,
    });
    return {
      uploader: createUploader({ api, transport, concurrency: settings.concurrency }),
      files:
        settings.files === 1
          ? [simulatedFile(`bench-${settings.parts}-parts.bin`, settings.fileSize)]
          : Array.from({ length: settings.files }, (_, index) => simulatedFile(`bench-file-${index + 1}.bin`, settings.fileSize)),
    };
  });
  // Once, even under StrictMode's double effects in development.
  const dropped = useRef(false);
  useEffect(() => {
    if (dropped.current) return;
    dropped.current = true;
    dropFiles(setup.files);
  }, [setup]);
  return <UploadPage uploader={setup.uploader} limits={benchLimits} />;
}
