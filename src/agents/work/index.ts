// What is waiting for an agent (held task, ready task, unread message): for Stop hooks and the waker.
export * from './pending-work.js';
