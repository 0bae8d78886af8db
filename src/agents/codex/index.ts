// Codex (@openai/codex 0.169.0): its driver (a sandboxed, unattended launch, preflight, what its pane
// shows) and the trust record `wt-coord trust` may write for it.
// The entry the layers above import; the other files of this folder are its own business.
export { codexDriver } from './driver.js';
export { applyCodexTrust, describeCodexTrustPlan, planCodexTrust } from './trust.js';
