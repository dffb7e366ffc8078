import { existsSync, readdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';

/**
 * Resolves the repo's relative imports (`./x.js` is `./x.ts` or `./x.tsx` on disk)
 * so import-x/no-restricted-paths sees where each one lands. Package names are
 * left unresolved: the rule only guards the repo's own folders.
 */
const relativeTsResolver = {
  interfaceVersion: 3,
  name: 'relative-ts',
  resolve(source, file) {
    if (!source.startsWith('.')) return { found: false, path: null };
    const target = resolve(dirname(file), source);
    const candidates = [target, target.replace(/\.js$/, '.ts'), target.replace(/\.js$/, '.tsx')];
    const found = candidates.find((candidate) => existsSync(candidate));
    return found === undefined ? { found: false, path: null } : { found: true, path: found };
  },
};

const TEST_FILES = ['**/*.test.{ts,tsx}'];
const RIG = ['./testing', './bench', './e2e', './scripts'];
const features = readdirSync(resolve(import.meta.dirname, 'client/features'), { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);

/** Imports flow one way: shared <- client/engine <- client/features <- client/app; shared <- server; features never import each other. */
const productZones = [
  { target: './shared', from: ['./client', './server', './packages', ...RIG], message: 'shared/ depends only on zod.' },
  { target: './client/engine', from: ['./client/features', './client/app', './server', './packages', ...RIG], message: 'The engine is framework-free: it imports shared/ only.' },
  { target: './client/features', from: ['./client/app', './server', './packages', ...RIG], message: 'Features use the engine and shared/, never the app shell.' },
  { target: './client/app', from: ['./server', './packages', ...RIG], message: 'The client never imports the server.' },
  { target: './server', from: ['./client', ...RIG], message: 'The server uses shared/ (and @s3-big-upload/local-s3 as a package).' },
  ...features.map((feature) => ({
    target: `./client/features/${feature}`,
    from: './client/features',
    except: [`./${feature}`],
    message: 'Features never import each other.',
  })),
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'test-results/**', 'playwright-report/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: ['client/**/*.{ts,tsx}', 'bench/ui-page/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [relativeTsResolver] },
  },
  {
    files: ['**/*.{ts,tsx}'],
    ignores: TEST_FILES,
    rules: { 'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: productZones }] },
  },
  {
    // The embedded store is its own package: nothing in it (tests included) reaches into the app.
    files: ['packages/local-s3/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        { basePath: import.meta.dirname, zones: [{ target: './packages/local-s3', from: ['./client', './server', './shared', ...RIG], message: 'packages/local-s3 imports nothing from the app.' }] },
      ],
    },
  },
);
