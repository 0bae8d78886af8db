// The agent state and session records, written from inside the agent's process by its hooks
// (node built-ins only: safe on the hot path), read and combined by src/agents/observe/.
export * from './state-file.js';
