/**
 * CPU seconds per process of one Chromium (CDP SystemInfo.getProcessInfo), so
 * other browsers on a shared machine are not counted.
 */
import type { Browser } from 'playwright';

export interface ProcessCpuSample {
  kind: string;
  cpuSeconds: number;
}

interface ProcessInfo {
  type: string;
  id: number;
  cpuTime: number;
}

export async function snapshotBrowserCpu(browser: Browser): Promise<Map<number, ProcessCpuSample>> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: ProcessInfo[] };
    return new Map(processInfo.map((info) => [info.id, { kind: `chromium ${info.type}`, cpuSeconds: info.cpuTime }]));
  } finally {
    await cdp.detach();
  }
}
