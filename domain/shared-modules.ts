/**
 * The modules the worker evaluates once and shares between every workflow it runs
 * (worker/worker.ts WORKFLOW_BUNDLER_OPTIONS, the SDK's `preloadModules`). Without this,
 * each incident evaluated its own copy of zod and of every schema in the model when it
 * started or came back into the worker's cache: about 1.3 MB of heap and tens of ms of CPU
 * per workflow. Shared modules are frozen by the SDK, so only modules that keep no state
 * between calls belong here: the pure model (constants, schemas, pure functions) and zod.
 * Re-exported rather than imported for effect, so no bundler drops them as unused.
 */
export * as zod from 'zod';
export * as incident from './incident';
export * as runbook from './runbook';
export * as review from './review';
export * as user from './config/user';
