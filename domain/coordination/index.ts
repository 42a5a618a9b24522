// Coordinating a response (pure): the incident channel, the bridge, follow-up export.
export * from './bridge';
export * from './follow-up';
export * from './incident-channel';
export * from './channel-activity';
