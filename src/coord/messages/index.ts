// Messages between instances: the append-only log, per-reader positions, channels, formatting.
// The entry the layers above import; the other files of this folder are its own business.
export * from './channels.js';
export * from './message-format.js';
export * from './messages.js';
