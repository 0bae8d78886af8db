// What each agent is doing (launcher + hooks + pane), alerts for long waits, token usage.
export * from './observe.js';
export * from './describe.js';
export * from './wait-alerts.js';
export * from './usage.js';
export * from './report.js';
