/** Status pages: model, publication rules, component status, and the Statuspage v2 shapes. */
export * from './component-status';
export * from './indicator';
export * from './page';
export * from './publication';
export * from './records';
export * from './v2';
export * from './view';
export * from './publish';
export * from './mirror';
export * from './commands';
