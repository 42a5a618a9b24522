// The incident subject of the pure domain model (no I/O). Zod-free, as workflow code imports it
// (test/workflows/bundle.test.ts): the schemas are in severity.ts, classification-schema.ts, state-schema.ts.
export * from './classification';
export * from './commands';
export * from './escalation';
export * from './incident';
export * from './notification';
export * from './plan';
export * from './posted-message';
export * from './severity-levels';
export * from './source-alerts';
export * from './list-row';
export * from './maintenance';
