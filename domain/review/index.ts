// The review subject of the pure domain model (no I/O).
export * from './action-items';
export * from './analysis';
export * from './draft';
export * from './markdown';
export * from './review';
