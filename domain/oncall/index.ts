// The oncall subject of the pure domain model (no I/O).
export * from './escalation-targets';
export * from './oncall';
export * from './policy-validation';
export * from './policy';
export * from './restriction';
export * from './rotation';
export * from './schedule';
export * from './readiness';
