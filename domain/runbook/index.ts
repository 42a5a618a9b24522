// The runbook subject of the pure domain model (no I/O).
export * from './checks';
export * from './expression';
export * from './match';
export * from './run';
export * from './runbook';
export * from './template';
