// Giving idle agents new work without anyone typing: nudges into idle panes, and the background waker.
export * from './nudge.js';
export * from './keeper.js';
