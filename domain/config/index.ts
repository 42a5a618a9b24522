// The config subject of the pure domain model (no I/O).
export * from './integration-mapping';
export * from './references';
export * from './service';
export * from './team';
export * from './user';
