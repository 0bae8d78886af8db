// The final report of a run: what each task produced (from results/), which failed and why, each
// instance's commits, each agent's last state and token usage, and what the supervisor had to do.
// collectReport returns data; renderReport text.
import { promises as fs } from 'node:fs';
import { git } from '../lib/git.js';
import { listTasks, resultPath } from '../coord/queue/index.js';
import { instancesDoc } from '../coord/instances/index.js';
import { readDoc } from '../coord/transact.js';
import type { RepoContext } from '../workspace/repo.js';
import { describeState, formatUsage, type AgentsReport } from '../agents/observe/index.js';
import type { TokenUsage } from '../agents/kind/index.js';

export interface TaskReport {
  id: string;
  description: string;
  status: string;
  by: string | null;
  attempts: number;
  /** The completion summary (done) or the failure reason. */
  result: string | null;
  result_file: string | null;
}

export interface InstanceReport {
  name: string;
  branch: string;
  commits: string[];
}

export interface AgentSummary {
  name: string;
  kind: string;
  /** Its state when the run ended (before the supervisor stopped it). */
  state: string;
  sessions: number;
  usage: TokenUsage | null;
}

export interface RunReport {
  goal: string;
  outcome: 'done' | 'stuck' | 'interrupted';
  why: string;
  started_at: string;
  finished_at: string;
  tasks: TaskReport[];
  /** Tasks of the queue that are not this run's (left from earlier runs): shown apart, they do not change its outcome. */
  older_tasks: { id: string; status: string; description: string }[];
  instances: InstanceReport[];
  interventions: string[];
  agents: AgentSummary[];
  usage_total: TokenUsage | null;
}

/** The result text without the header completeTask writes into results/<id>.md. */
function resultBody(text: string): string {
  return text.replace(/^# .*\n\n(?:- .*\n)*\n?/, '').trim();
}

export async function collectReport(repo: RepoContext, run: { goal: string; outcome: RunReport['outcome']; why: string; started_at: string; instances: string[]; interventions: string[]; agents?: AgentsReport | null; tasks?: ReadonlySet<string> }): Promise<RunReport> {
  const every = await listTasks(repo.coordDir);
  // The run's own tasks are its report; the queue's older ones are listed apart and judge nothing.
  const tasks = run.tasks ? every.filter((t) => run.tasks!.has(t.id)) : every;
  const older = run.tasks ? every.filter((t) => !run.tasks!.has(t.id)).map((t) => ({ id: t.id, status: t.status, description: t.description })) : [];
  const taskReports: TaskReport[] = [];
  for (const t of tasks) {
    const file = resultPath(repo.coordDir, t.id);
    const text = t.status === 'done' ? await fs.readFile(file, 'utf8').catch(() => null) : null;
    taskReports.push({ id: t.id, description: t.description, status: t.status, by: t.claimed_by, attempts: t.attempts, result: text !== null ? resultBody(text) : t.result, result_file: text !== null ? file : null });
  }
  const { instances } = await readDoc(repo.coordDir, instancesDoc);
  const instanceReports: InstanceReport[] = [];
  for (const i of instances.filter((x) => run.instances.includes(x.name))) {
    const log = await git(repo.mainWorktree, ['log', '--format=%h %s', `${i.base_commit}..refs/heads/${i.branch}`]).catch(() => '');
    instanceReports.push({ name: i.name, branch: i.branch, commits: log.split('\n').filter(Boolean).reverse() });
  }
  const agents = (run.agents?.agents ?? []).filter((a) => run.instances.includes(a.name)).map((a) => ({ name: a.name, kind: a.kind, state: describeState(a), sessions: a.sessions, usage: a.usage }));
  return { goal: run.goal, outcome: run.outcome, why: run.why, started_at: run.started_at, finished_at: new Date().toISOString(), tasks: taskReports, older_tasks: older, instances: instanceReports, interventions: run.interventions, agents, usage_total: run.agents?.usage_total ?? null };
}

function firstLines(text: string | null, n: number): string {
  if (!text) return '(no summary)';
  const lines = text.trim().split('\n');
  return lines.slice(0, n).join(' / ') + (lines.length > n ? ' …' : '');
}

export function renderReport(report: RunReport): string {
  const count = (s: string) => report.tasks.filter((t) => t.status === s).length;
  const lines = [
    `# Run report: ${report.goal}`,
    '',
    `${report.outcome === 'done' ? 'Finished' : report.outcome === 'stuck' ? 'STUCK' : 'Interrupted'}: ${report.why}`,
    `${count('done')} of ${report.tasks.length} tasks done, ${count('failed')} failed, ${count('cancelled')} cancelled, ${count('available') + count('claimed')} left (${report.started_at} - ${report.finished_at})`,
    '',
    '## Tasks',
    ...report.tasks.map((t) => {
      if (t.status === 'done') return `- ${t.id} done by ${t.by} (attempt ${t.attempts}): ${t.description}\n  produced: ${firstLines(t.result, 3)}`;
      if (t.status === 'failed') return `- ${t.id} FAILED after ${t.attempts} attempt(s): ${t.description}\n  why: ${firstLines(t.result, 3)}`;
      return `- ${t.id} ${t.status}${t.by ? ` (${t.by})` : ''}: ${t.description}${t.result ? `\n  note: ${firstLines(t.result, 2)}` : ''}`;
    }),
    ...(report.older_tasks.length ? ['', `## Older tasks (${report.older_tasks.length}, from earlier runs: not part of this one)`, ...report.older_tasks.map((t) => `- ${t.id} ${t.status}: ${t.description}`)] : []),
    '',
    '## Instances',
    ...report.instances.map((i) => `- ${i.name} on ${i.branch}: ${i.commits.length} commit(s)${i.commits.length ? `\n${i.commits.map((c) => `  - ${c}`).join('\n')}` : ''}`),
  ];
  if (report.agents.length) {
    lines.push('', '## Agents', ...report.agents.map((a) => `- ${a.name} (${a.kind}): ${a.state} at the end; ${a.usage ? formatUsage(a.usage) : 'no token usage recorded'}${a.sessions ? ` in ${a.sessions} session(s)` : ''}`));
    if (report.usage_total && report.agents.some((a) => a.usage)) lines.push(`- total: ${formatUsage(report.usage_total)}`);
  }
  if (report.interventions.length) lines.push('', '## What the supervisor did', ...report.interventions.map((i) => `- ${i}`));
  lines.push('', '## Next', report.outcome === 'done' ? '- bring the branches together: wt-coord integrate --check "<your test command>"' : '- see wt-coord status, wt-coord task list and wt-coord logs <k>; requeue or fix, then wt-coord start', '');
  return lines.join('\n');
}
