// The instance registry (instances.json), heartbeats, and the agents each instance runs (agents.json).
// The entry the layers above import; the other files of this folder are its own business.
export * from './agents-doc.js';
export * from './heartbeat.js';
export * from './instances.js';
