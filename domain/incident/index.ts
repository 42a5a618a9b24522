// The incident subject of the pure domain model (no I/O).
export * from './classification';
export * from './commands';
export * from './escalation';
export * from './incident';
export * from './notification';
export * from './plan';
export * from './posted-message';
export * from './severity';
export * from './source-alerts';
export * from './list-row';
export * from './maintenance';
