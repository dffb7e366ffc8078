import type { Rollup } from 'vite';
import { describe, expect, it } from 'vitest';
import { COMPILE_HINT, compileHints } from './vite-compile-hints.js';

function generate(bundle: Record<string, { type: 'chunk'; code: string } | { type: 'asset'; source: string }>): void {
  const hook = compileHints().generateBundle as { order: string; handler: (options: unknown, bundle: Rollup.OutputBundle) => void };
  expect(hook.order).toBe('post');
  hook.handler({}, bundle as unknown as Rollup.OutputBundle);
}

describe('compileHints', () => {
  it('opens every script chunk with the hint, once, and leaves other files alone', () => {
    const bundle = {
      'index.js': { type: 'chunk' as const, code: 'const __vite__mapDeps=0;export{}' },
      'upload-screen.js': { type: 'chunk' as const, code: `${COMPILE_HINT}export{}` },
      'index.css': { type: 'asset' as const, source: '.app{}' },
    };
    generate(bundle);
    expect(bundle['index.js'].code).toBe(`//# allFunctionsCalledOnLoad\nconst __vite__mapDeps=0;export{}`);
    expect(bundle['upload-screen.js'].code).toBe(`${COMPILE_HINT}export{}`);
    expect(bundle['index.css'].source).toBe('.app{}');
  });
});
