/** What the figures were measured on. */
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem, type } from 'node:os';
import { chromium } from 'playwright';
import { chromiumLaunchOptions, resolveChromium } from '../../testing/chromium.js';

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  chromium: string;
}

function osName(): string {
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
    return `${pretty ?? type()} (${type()} ${release()})`;
  } catch {
    return `${type()} ${release()}`;
  }
}

/** Asks the browser itself for its version (a short launch). */
async function chromiumVersion(): Promise<string> {
  const browser = await chromium.launch({ ...chromiumLaunchOptions(), headless: true });
  try {
    // Which build matters: the npm-installed one (no system Chromium) may not compare with Debian's.
    return `${browser.version()} from ${resolveChromium().source}`;
  } finally {
    await browser.close();
  }
}

export async function describeMachine(): Promise<Machine> {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: osName(),
    node: process.version,
    chromium: await chromiumVersion(),
  };
}
