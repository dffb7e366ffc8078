import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ChromiumNotFoundError, DEBIAN_CHROMIUM, pickChromium } from './chromium.js';

describe('pickChromium', () => {
  it('takes CHROMIUM_PATH first, and refuses one that does not exist', () => {
    expect(pickChromium({ CHROMIUM_PATH: process.execPath })).toEqual({ executablePath: process.execPath, source: `CHROMIUM_PATH (${process.execPath})`, env: {}, readsKeptFileHandles: true });
    expect(() => pickChromium({ CHROMIUM_PATH: '/nonexistent/chromium' })).toThrow(ChromiumNotFoundError);
  });

  it("without CHROMIUM_PATH: Debian's when present, else the npm-installed one, extracted and executable", () => {
    const chosen = pickChromium({});
    expect(existsSync(chosen.executablePath)).toBe(true);
    if (existsSync(DEBIAN_CHROMIUM)) {
      expect(chosen.executablePath).toBe(DEBIAN_CHROMIUM);
      expect(chosen.readsKeptFileHandles).toBe(true);
    } else {
      expect(chosen.readsKeptFileHandles).toBe(false);
      expect(chosen.source).toMatch(/^@sparticuz\/chromium /);
      expect(chosen.env.LD_LIBRARY_PATH).toMatch(/al2023\/lib/);
    }
  });
});
