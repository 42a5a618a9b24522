// Coordinating a response (pure): incident types, roles, templates, tiers, the incident
// channel, the bridge, follow-up export.
export * from './bridge';
export * from './follow-up';
export * from './incident-channel';
export * from './channel-activity';
export * from './incident-roles';
export * from './incident-type';
export * from './plan';
export * from './role';
export * from './template';
export * from './tier';
export * from './stakeholders';
export * from './view';
export * from './stakeholder-comms';
export * from './schemas';
