import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { compileHints } from './vite-compile-hints.js';

export default defineConfig({
  root: 'client',
  plugins: [react(), compileHints()],
  build: { outDir: '../dist/client', emptyOutDir: true },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
  test: {
    root: '.',
    include: ['{client,server,shared,scripts,bench,testing,packages}/**/*.test.{ts,tsx}', '*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The SDK warns on every run that its 2027 releases need Node 22; this project runs on 20.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
