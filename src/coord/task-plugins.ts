// Modules that register task hooks (src/coord/task-hooks.ts) are imported here for their side
// effect, so both the leader CLI and coordinate.sh load them before any queue operation.
// Add one line per module, e.g. `import './claims.js';`. Keep them light: coordinate.sh loads them.
import './claim-task-hooks.js';
export {};
