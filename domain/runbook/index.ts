// The runbook subject of the pure domain model (no I/O).
export * from './action';
export * from './checks';
export * from './expression';
export * from './expression-evaluation';
export * from './match';
export * from './run';
export * from './runbook';
export * from './template';
