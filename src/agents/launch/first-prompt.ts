// The first prompt an agent gets, whatever its kind: who it is, the run's goal and its role, and
// the protocol. After a restart it also says which task it held, so it carries on instead of
// starting over. The goal and role also reach Claude Code in its SessionStart context.
export interface PromptFacts {
  instanceName: string;
  coordinateScript: string;
  /** The goal of the run (master-plan.md), if any. */
  goal: string | null;
  /** "worker", or "planner" for the instance that plans a run without --tasks. */
  role: string;
  /** Tasks the instance held when its agent stopped (a restart), if any. */
  heldTasks?: string[];
  restarted?: boolean;
}

const MAX_GOAL_IN_PROMPT = 1_500;

export function goalLine(goal: string | null): string | null {
  if (!goal?.trim()) return null;
  const text = goal.trim().replace(/\s+/g, ' ');
  return `The goal of this run: ${text.length > MAX_GOAL_IN_PROMPT ? `${text.slice(0, MAX_GOAL_IN_PROMPT)}…` : text}`;
}

export function roleLine(role: string): string {
  return role === 'planner'
    ? 'Your role: planner. Your first task is to plan the work: answer it with the task list it asks for; then work on tasks like the others.'
    : 'Your role: worker. Take tasks from the queue one at a time and finish each one.';
}

export function firstPrompt(facts: PromptFacts): string {
  const c = facts.coordinateScript;
  const held = facts.heldTasks?.length ? facts.heldTasks.join(', ') : null;
  return [
    `You are ${facts.instanceName}, one of several agents working on this repository at once, each in its own git worktree (this folder; commit your work here).`,
    goalLine(facts.goal),
    roleLine(facts.role),
    facts.restarted ? `You were restarted${held ? ` while holding ${held}: \`${c} request-task\` gives it back; continue it from what is already committed` : ''}.` : null,
    `Run \`${c} request-task\` to get a task and its briefing. Do the task, commit it, report progress with \`${c} report-progress <0-1> "<message>"\`, share lasting discoveries with \`${c} update-memory\`, then run \`${c} complete "<summary of what you did>"\` (or \`${c} fail "<why>"\`).`,
    'Then request the next task. If request-task says nothing is ready, end your turn: wt-coord tells you when there is work again.',
  ]
    .filter(Boolean)
    .join(' ');
}
