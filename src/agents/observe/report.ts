// Every instance's agent as `status`, `watch` and the run report show it: its state (with what to
// do when it waits for a person) and the tokens its sessions used.
import type { RepoContext } from '../../workspace/repo.js';
import type { TokenUsage } from '../kind/index.js';
import { listAgentStatuses } from '../launcher.js';
import { observeAgents } from './observe.js';
import { describeAgent, type ObservedAgent } from './describe.js';
import { formatUsage, instanceUsage } from './usage.js';
import { addUsage, NO_USAGE } from '../kind/index.js';

export interface AgentReport extends ObservedAgent {
  sessions: number;
  usage: TokenUsage | null;
}

export interface AgentsReport {
  agents: AgentReport[];
  usage_total: TokenUsage;
}

export async function collectAgents(repo: RepoContext, options: { pane?: boolean; ids?: number[]; usage?: boolean } = {}): Promise<AgentsReport> {
  const statuses = await listAgentStatuses(repo, options.ids);
  const observed = await observeAgents(repo.coordDir, statuses, { pane: options.pane });
  const agents = await Promise.all(
    observed.map(async (agent, k) => {
      const record = statuses[k]!.record;
      const usage = record && options.usage !== false ? await instanceUsage(repo.coordDir, record) : { sessions: 0, usage: null };
      return { ...agent, sessions: usage.sessions, usage: usage.usage };
    }),
  );
  return { agents, usage_total: agents.reduce((sum, a) => (a.usage ? addUsage(sum, a.usage) : sum), NO_USAGE) };
}

/** One line per agent: "instance-2 waiting for permission (Bash: npm publish) for 40s: wt-coord attach instance-2 · claude · 1200 input / 80 output tokens". */
export function printAgents(report: AgentsReport, now = Date.now()): string[] {
  const started = report.agents.filter((a) => a.state !== 'not-started');
  if (started.length === 0) return [];
  const lines = ['agents:', ...started.map((a) => `  ${describeAgent(a, now)} · ${a.kind}${a.usage ? ` · ${formatUsage(a.usage)}` : ''}`)];
  if (started.some((a) => a.usage)) lines.push(`  total: ${formatUsage(report.usage_total)}`);
  return lines;
}
