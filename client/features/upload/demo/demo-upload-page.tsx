/**
 * The upload page driven by the fake uploader: open `/?demo` (all states),
 * `?demo=empty|uploading|done|failed`, or `?demo=live&parts=10000&speed=400`.
 * Files chosen or dropped in demo mode are simulated too.
 */
import { useState } from 'react';
import { UploadPage } from '../upload-page.js';
import { createFakeUploader } from './fake-uploader.js';
import { demoLimits, demoScenario } from './demo-scenarios.js';

export function DemoUploadPage({ scenario, search = window.location.search }: { scenario: string; search?: string }) {
  const [setup] = useState(() => {
    const { files, scriptFor } = demoScenario(scenario, new URLSearchParams(search));
    return { files, uploader: createFakeUploader(scriptFor) };
  });
  return <UploadPage uploader={setup.uploader} limits={demoLimits} initialFiles={setup.files} />;
}
