/**
 * Marks the page's chunks for eager compilation (V8's explicit compile hints,
 * Chromium 136 and later; other browsers ignore the comment). Chromium then
 * compiles every function of a chunk on the background thread that streams it,
 * instead of compiling each one on the main thread at its first call: React's
 * first render of the page was two thirds compilation. All of these chunks run
 * at startup, so little is compiled for nothing.
 */
import type { Plugin } from 'vite';

export const COMPILE_HINT = '//# allFunctionsCalledOnLoad\n';

export function compileHints(): Plugin {
  return {
    name: 'compile-hints',
    apply: 'build',
    enforce: 'post',
    generateBundle: {
      // Last: after minification, which drops comments, and after Vite prepends its preload map; the hint opens the file.
      order: 'post',
      handler(_options, bundle) {
        for (const file of Object.values(bundle)) {
          if (file.type === 'chunk' && !file.code.startsWith(COMPILE_HINT)) file.code = COMPILE_HINT + file.code;
        }
      },
    },
  };
}
