/**
 * The one Chromium that e2e (playwright.config.ts), the benchmarks and the
 * scripts launch, so `npm install && npm test` needs nothing but Node:
 *
 *   1. CHROMIUM_PATH, when set;
 *   2. else Debian's /usr/bin/chromium, when present (CI installs it);
 *   3. else the Chromium that npm installed with @sparticuz/chromium: the binary
 *      ships inside the package, brotli-compressed; it is extracted once, with
 *      the NSS libraries and fonts it brings, into
 *      $TMPDIR/s3-big-upload-chromium-<version> (a few seconds, then cached).
 *
 * Synchronous, so playwright.config.ts can call it while Playwright loads it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEBIAN_CHROMIUM = '/usr/bin/chromium';
const NPM_CHROMIUM = '@sparticuz/chromium';
const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface ResolvedChromium {
  executablePath: string;
  /** Where it came from, for logs and benchmark reports. */
  source: string;
  /** Variables the browser process needs: library and font paths of the npm build; empty otherwise. */
  env: Record<string, string>;
  /**
   * Whether pages can read a FileSystemFileHandle kept in IndexedDB. The npm build is
   * Chromium's headless shell, whose whole browser process dies when a page reads one
   * (seen with @sparticuz/chromium 153; Debian's Chromium 156 reads it and grants it).
   */
  readsKeptFileHandles: boolean;
}

export class ChromiumNotFoundError extends Error {
  override name = 'ChromiumNotFoundError';
}

let resolved: ResolvedChromium | undefined;

/** Resolves once per process. */
export function resolveChromium(env: NodeJS.ProcessEnv = process.env): ResolvedChromium {
  resolved ??= pickChromium(env);
  return resolved;
}

/** The choice itself, uncached (resolveChromium caches it). */
export function pickChromium(env: NodeJS.ProcessEnv): ResolvedChromium {
  const fromEnv = env.CHROMIUM_PATH?.trim();
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new ChromiumNotFoundError(`CHROMIUM_PATH=${fromEnv} does not exist`);
    return { executablePath: fromEnv, source: `CHROMIUM_PATH (${fromEnv})`, env: {}, readsKeptFileHandles: true };
  }
  if (existsSync(DEBIAN_CHROMIUM)) return { executablePath: DEBIAN_CHROMIUM, source: `Debian's ${DEBIAN_CHROMIUM}`, env: {}, readsKeptFileHandles: true };
  return npmChromium();
}

function npmChromium(): ResolvedChromium {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new ChromiumNotFoundError(`no Chromium: set CHROMIUM_PATH (${NPM_CHROMIUM} ships only a Linux x64 build, this is ${process.platform} ${process.arch})`);
  }
  let entry: string;
  try {
    entry = createRequire(join(ROOT, 'package.json')).resolve(NPM_CHROMIUM);
  } catch (error) {
    throw new ChromiumNotFoundError(`no Chromium: set CHROMIUM_PATH, install Debian's chromium, or run npm install (for ${NPM_CHROMIUM})`, { cause: error });
  }
  const packageDir = join(dirname(entry), '..');
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const dir = join(tmpdir(), `s3-big-upload-chromium-${version}`);
  if (!existsSync(join(dir, 'chromium'))) extractInto(dir, packageDir);
  return {
    executablePath: join(dir, 'chromium'),
    source: `${NPM_CHROMIUM} ${version} (${dir})`,
    env: {
      LD_LIBRARY_PATH: [join(dir, 'al2023', 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
      FONTCONFIG_FILE: join(dir, 'fonts.conf'),
    },
    readsKeptFileHandles: false,
  };
}

/**
 * The package's own inflate() writes into os.tmpdir(): run it in a child whose
 * TMPDIR is a fresh staging folder, then rename the folder into place, so a
 * concurrent run never sees a half-written binary.
 */
function extractInto(dir: string, packageDir: string): void {
  const staging = mkdtempSync(`${dir}.staging-`);
  try {
    const script = `
      const { inflate } = await import(${JSON.stringify(NPM_CHROMIUM)});
      const bin = ${JSON.stringify(join(packageDir, 'bin'))};
      for (const file of ['chromium.br', 'swiftshader.tar.br', 'fonts.tar.br', 'al2023.tar.br']) await inflate(bin + '/' + file);`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, env: { ...process.env, TMPDIR: staging }, encoding: 'utf8' });
    if (child.status !== 0) throw new ChromiumNotFoundError(`extracting ${NPM_CHROMIUM} failed: ${child.stderr || child.error?.message}`);
    // The package's fonts.conf names /tmp/fonts; this one names where the fonts are (and the system's, if any).
    writeFileSync(
      join(staging, 'fonts.conf'),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${join(dir, 'fonts', 'fonts')}</dir>\n  <dir>/usr/share/fonts</dir>\n  <cachedir>${join(dir, 'fonts-cache')}</cachedir>\n</fontconfig>\n`,
    );
    try {
      renameSync(staging, dir);
    } catch (error) {
      // Another process finished first: use its copy.
      if (!existsSync(join(dir, 'chromium'))) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Flags for headless runs in containers and on shared CI machines. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Playwright launch options for the resolved Chromium. */
export function chromiumLaunchOptions(): { executablePath: string; args: string[]; env?: Record<string, string> } {
  const chromium = resolveChromium();
  const hasEnv = Object.keys(chromium.env).length > 0;
  return { executablePath: chromium.executablePath, args: [...CHROMIUM_ARGS], ...(hasEnv && { env: { ...stringEnv(process.env), ...chromium.env } }) };
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
