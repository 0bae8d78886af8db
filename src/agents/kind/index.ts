// How an agent kind plugs into wt-coord (the contract every driver implements; see driver.ts),
// and the driver of plain commands. The registry of known kinds is src/agents/drivers/.
export * from './driver.js';
export * from './command-driver.js';
