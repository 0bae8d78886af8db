// The shared memory: the discovery queue, its merge into systemPatterns.md, and the merged-ids ledger.
// The entry the layers above import; the other files of this folder are its own business.
export * from './memory-auto-merge.js';
export * from './memory-changes.js';
export * from './memory-merge.js';
export * from './memory-queue.js';
export * from './memory-render.js';
export * from './memory-state.js';
