// The MCP server (`wt-coord mcp`) and its registration for the agents.
// The entry the layers above import; the other files of this folder are its own business.
export * from './mcp-config.js';
export * from './mcp-message-tools.js';
export * from './mcp-server.js';
export * from './mcp-tool.js';
