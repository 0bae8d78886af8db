// An agent that waits for a person (a permission prompt, a dialog) longer than a set time raises
// a notification, once per wait: a terminal bell, a command of the user's (with the details in
// WT_COORD_ALERT_* variables), and a low-priority line on the #alerts channel (low priority, so
// that it wakes no agent). Used by `run`'s supervisor and by `watch`.
import { spawn } from 'node:child_process';
import { sendMessage } from '../../coord/messages/index.js';
import { describeAgent, type ObservedAgent } from './describe.js';

export interface WaitAlertOptions {
  afterMs: number;
  /** A shell command to run per alert; null for none. */
  command?: string | null;
  /** Ring the terminal bell (on stderr, when it is a terminal). */
  bell?: boolean;
  /** Post on #alerts. */
  channel?: boolean;
}

export const DEFAULT_WAIT_ALERT_MS = 120_000;

export class WaitAlerts {
  /** instance name -> the `since` of the wait already alerted. */
  private readonly alerted = new Map<string, string>();

  constructor(private readonly coordDir: string, private readonly options: WaitAlertOptions) {}

  /** Raises what is due; returns the alert lines raised now. */
  async check(agents: ObservedAgent[], now = Date.now()): Promise<string[]> {
    const lines: string[] = [];
    for (const agent of agents) {
      if (!agent.waiting_for_person || !agent.since) continue;
      if (now - Date.parse(agent.since) < this.options.afterMs) continue;
      if (this.alerted.get(agent.name) === agent.since) continue;
      this.alerted.set(agent.name, agent.since);
      const line = `alert: ${describeAgent(agent, now)}`;
      lines.push(line);
      await this.raise(agent, line);
    }
    return lines;
  }

  private async raise(agent: ObservedAgent, line: string): Promise<void> {
    if (this.options.bell !== false && process.stderr.isTTY) process.stderr.write('\x07');
    if (this.options.channel !== false) {
      await sendMessage(this.coordDir, { from: 'leader', to: 'alerts', type: 'alert', priority: 'low', body: line }).catch(() => undefined);
    }
    if (this.options.command) {
      const child = spawn('sh', ['-c', this.options.command], {
        stdio: 'ignore',
        detached: true,
        env: { ...process.env, WT_COORD_ALERT_INSTANCE: agent.name, WT_COORD_ALERT_STATE: agent.state, WT_COORD_ALERT_TOOL: agent.tool ?? '', WT_COORD_ALERT_TEXT: line },
      });
      child.on('error', () => undefined);
      child.unref();
    }
  }
}
