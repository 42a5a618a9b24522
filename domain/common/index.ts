// The common subject of the pure domain model (no I/O).
export * from './fields';
export * from './wall-clock';
