/**
 * The UI bench page is its own Vite entry, built only by the benchmark
 * (bench/lib/build-client.ts) into dist/bench-ui: never part of the product build.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { compileHints } from '../../vite-compile-hints.js';
import { BENCH_UI_OUT_DIR } from '../lib/build-client.js';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react(), compileHints()],
  build: { outDir: BENCH_UI_OUT_DIR, emptyOutDir: true },
});
