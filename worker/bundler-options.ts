/**
 * How the workflow bundle is loaded; the worker, the workflow tests and replay use the same
 * options. Nothing is preloaded: sharing zod and the domain between workflows
 * (`preloadModules`) saved memory per open incident, but the SDK freezes preloaded modules
 * and zod defines properties on its schemas lazily, so a workflow task that first parsed a
 * schema failed with "object is not extensible". See docs/benchmarks.md.
 */
export const WORKFLOW_BUNDLER_OPTIONS: { preloadModules: string[] } = { preloadModules: [] };
