// The coordination subject of the pure domain model (no I/O): incident types, roles, templates, tiers.
export * from './incident-roles';
export * from './incident-type';
export * from './plan';
export * from './role';
export * from './template';
export * from './tier';
export * from './stakeholders';
export * from './view';
