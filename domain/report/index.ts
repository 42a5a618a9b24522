// The report subject of the pure domain model (no I/O): incident figures, on-call health.
export * from './from-incident';
export * from './hours';
export * from './incident-figures';
export * from './incident-report';
export * from './oncall-health';
export * from './periods';
export * from './stats';
export * from './csv';
export * from './query';
