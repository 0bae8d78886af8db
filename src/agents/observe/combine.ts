// How the hooks' record and the screen combine into one state (pure: no tmux, no files).
import type { PaneReading } from '../kind/index.js';
import type { AgentStateName, AgentStateRecord } from '../state/index.js';

/** A hook record is trusted over the pane only while it is this fresh; after that the pane wins. */
const HOOK_FRESH_MS = 5_000;
/** A starting agent shows its input box before it submits the prompt it was started with: longer. */
const STARTING_FRESH_MS = 45_000;

export interface Combined {
  state: AgentStateName;
  tool: string | null;
  dialog: string | null;
  detail: string | null;
  fromPane: boolean;
}

/** Decides between the hooks' record and the screen. */
export function combine(hook: AgentStateRecord | null, pane: PaneReading | null, now: number): Combined {
  const base = hook ?? { state: 'starting' as const, tool: null, dialog: null, detail: null, at: new Date(0).toISOString() };
  if (!pane?.state) return { state: base.state, tool: base.tool ?? null, dialog: base.dialog ?? null, detail: base.detail ?? null, fromPane: false };
  const fromPane = { state: pane.state, tool: pane.tool ?? null, dialog: pane.dialog ?? null, detail: pane.detail ?? null, fromPane: true };
  // A dialog, a permission prompt or a retry loop on screen is what the agent is doing, whatever was reported last.
  if (pane.state === 'waiting-dialog' || pane.state === 'rate-limited') return fromPane;
  if (pane.state === 'waiting-permission') return base.state === 'waiting-permission' ? { ...fromPane, tool: base.tool ?? fromPane.tool } : fromPane;
  // The prompt was answered in the pane (the hook reports the tool's end only when it ends).
  if (base.state === 'waiting-permission' || base.state === 'waiting-dialog') return fromPane;
  // Starting, working or idle: the hooks know best, unless they have been quiet for a while (an
  // interrupted turn fires no Stop; an agent started without a prompt fires nothing until it gets one).
  const fresh = base.state === 'starting' ? STARTING_FRESH_MS : HOOK_FRESH_MS;
  if (now - Date.parse(base.at) > fresh && base.state !== pane.state) return fromPane;
  return { state: base.state, tool: base.tool ?? null, dialog: base.dialog ?? null, detail: base.detail ?? null, fromPane: false };
}


