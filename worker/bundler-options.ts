import path from 'node:path';

/**
 * How the workflow bundle is loaded: each workflow gets its own copy of every module in the
 * bundle except the preloaded ones, evaluated once and shared (see domain/shared-modules.ts).
 * The worker, the workflow tests and replay use the same options.
 */
export const WORKFLOW_BUNDLER_OPTIONS = { preloadModules: [path.resolve(__dirname, '../domain/shared-modules')] };
