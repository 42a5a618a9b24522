import tseslint from 'typescript-eslint';
import prettierRecommended from 'eslint-plugin-prettier/recommended';

const ioModules = [
  'fs',
  'path',
  'os',
  'child_process',
  'http',
  'https',
  'net',
  'crypto',
  'dns',
  'tls',
  'worker_threads',
  'cluster',
  'stream',
  'timers',
  'process',
  'util',
  'url',
  'zlib',
];
const bannedInWorkflows = [
  ...ioModules,
  ...ioModules.map((m) => `node:${m}`),
  'mongoose',
  'pino',
  'pino-http',
  'express',
  'axios',
  'undici',
  'yaml',
];

const bannedPaths = bannedInWorkflows.map((name) => ({
  name,
  message: 'Workflow code is replayed: no I/O modules. Do this in an activity.',
}));
const layerPattern = {
  group: ['**/activities', '**/activities/**', '**/api/**', '**/worker/**', '**/lib/**', '**/integrations/**'],
  allowTypeImports: true,
  message: 'Workflows import activities as types only, and never api/worker/lib.',
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.tools/**', '.vigil/**', 'eslint.config.mjs'] },
  ...tseslint.configs.recommended,
  // One formatter (prettier, width 120): a formatting difference is a lint error.
  prettierRecommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests read loosely typed JSON answers.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Workflow code is replayed: it must be deterministic and free of I/O. Activities are
    // imported as types only (`import type`), so they are allowed for type-checking. The
    // pure domain model is loaded by workflows too, so it follows the same rule.
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: bannedPaths, patterns: [layerPattern] }],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Use sleep() or condition(fn, timeout).' },
        { name: 'setInterval', message: 'Use sleep() in a loop.' },
        { name: 'process', message: 'Workflow code has no process; pass values in the input.' },
      ],
    },
  },
  {
    // The domain is plain TypeScript: activity options, failures and the like belong to
    // workflows/ (workflows/activity-profiles.ts), not to the model.
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: bannedPaths,
          patterns: [
            layerPattern,
            { group: ['@temporalio/*'], message: 'The domain model does not depend on the Temporal SDK.' },
          ],
        },
      ],
    },
  },
);
