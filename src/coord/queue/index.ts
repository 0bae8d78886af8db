// The task queue: tasks.json, leases and fencing tokens, claiming, completion, requeue, import, handoffs.
// The entry the layers above import; the other files of this folder are its own business.
export * from './handoff.js';
export * from './queue-core.js';
export * from './queue-settings.js';
export * from './queue.js';
export * from './task-end.js';
export * from './task-inputs.js';
export * from './task-intake.js';
export * from './tasks.js';
