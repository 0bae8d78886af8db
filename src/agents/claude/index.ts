// Claude Code: its settings file, the hooks it runs in the agent's process, and its driver (how it
// is launched, read on screen, preflighted, counted) for the agent-neutral machinery of src/agents/.
// The entry the layers above import; the other files of this folder are its own business.
export * from './claude-settings.js';
export { claudeDriver } from './driver.js';
export { applyTrust, describeTrustPlan, planTrust } from './trust.js';
export { coordinationAllowRules } from './permissions.js';
