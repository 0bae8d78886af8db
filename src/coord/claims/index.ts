// Path claims: who intends to change which paths, the one overlap rule, release with the task.
// The entry the layers above import; the other files of this folder are its own business.
export * from './claims.js';
export * from './path-overlap.js';
export * from './task-end-release.js';
