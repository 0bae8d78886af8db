// Claude Code: its settings file and the hooks it runs in the agent's process.
// The entry the layers above import; the other files of this folder are its own business.
export * from './claude-settings.js';
