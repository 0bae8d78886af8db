// An observed agent and how it reads in one line (pure: status, watch, run and alerts share it).
import type { AgentStateName } from '../state/index.js';

export interface ObservedAgent {
  instance: number;
  name: string;
  /** The driver's name: claude, codex, command, ... */
  kind: string;
  state: AgentStateName | 'not-started';
  since: string | null;
  tool: string | null;
  dialog: string | null;
  detail: string | null;
  exit_code: number | null;
  /** True when nothing happens until a person answers the agent. */
  waiting_for_person: boolean;
  /** What to do about it, e.g. "wt-coord attach instance-2". */
  action: string | null;
  session_id: string | null;
}

/** One phrase: "working", "waiting for permission (Bash: npm publish)", "exited (code 1)". */
export function describeState(agent: ObservedAgent): string {
  switch (agent.state) {
    case 'waiting-permission':
      return `waiting for permission${agent.tool ? ` (${agent.tool})` : ''}`;
    case 'waiting-dialog':
      return `waiting at a dialog${agent.dialog ? ` (${agent.dialog}${agent.detail ? `: ${agent.detail}` : ''})` : ''}`;
    case 'exited':
      return agent.exit_code !== null ? `exited (code ${agent.exit_code})` : `exited${agent.detail ? ` (${agent.detail})` : ''}`;
    case 'rate-limited':
      return 'rate-limited';
    case 'not-started':
      return 'not started';
    default:
      return agent.state;
  }
}

/** "instance-2 waiting for permission (Bash: npm publish) for 40s: wt-coord attach instance-2" */
export function describeAgent(agent: ObservedAgent, now = Date.now()): string {
  const waited = agent.since && agent.waiting_for_person ? ` for ${Math.max(0, Math.round((now - Date.parse(agent.since)) / 1000))}s` : '';
  return `${agent.name} ${describeState(agent)}${waited}${agent.waiting_for_person && agent.action ? `: ${agent.action}` : ''}`;
}
