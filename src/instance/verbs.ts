// The verbs of coordinate.sh. Each is loaded only when called, so an agent's call pays for what it
// uses and no more. To add a verb: one entry here, one module under src/instance/verbs/.
import type { InstanceContext } from './context.js';

export interface VerbResult {
  /** Printed to stdout. */
  output?: string;
  exitCode?: number;
}

export type VerbHandler = (ctx: InstanceContext, args: string[]) => Promise<VerbResult>;

export interface VerbSpec {
  usage: string;
  summary: string;
  load: () => Promise<{ run: VerbHandler }>;
  /** Verbs that only read (help, whoami) skip the heartbeat. */
  readOnly?: boolean;
}

export const verbs: Record<string, VerbSpec> = {
  help: { usage: 'help', summary: 'this list', readOnly: true, load: () => import('./verbs/help.js') },
  whoami: { usage: 'whoami [--json]', summary: 'this instance: id, branch, worktree, shared folders', readOnly: true, load: () => import('./verbs/whoami.js') },
  status: { usage: 'status [--json]', summary: 'every instance: task and progress', readOnly: true, load: () => import('./verbs/status.js') },
  'request-task': { usage: 'request-task [<id>] [--another] [--json]', summary: 'claim the best ready task (or resume yours) and print its briefing; exit 3 if nothing is ready', load: () => import('./verbs/request-task.js') },
  'report-progress': { usage: 'report-progress [<0-1 or N%>] [message] [--token N]', summary: "publish your progress (no argument: info.json's progress)", load: () => import('./verbs/report-progress.js') },
  complete: { usage: 'complete [<id>] [summary | --result-file F] [--token N]', summary: 'mark your task done, write results/<id>.md, print what it unblocks', load: () => import('./verbs/complete.js') },
  fail: { usage: 'fail [<id>] "reason" [--token N]', summary: 'give your task back for another try (stays failed after max_attempts)', load: () => import('./verbs/fail.js') },
  'update-memory': { usage: 'update-memory "<discovery>" [--category c] [--files a,b] [--task id] [--json]', summary: 'queue a discovery for the shared memory bank (no text: read stdin); prints its id', load: () => import('./verbs/update-memory.js') },
  recall: { usage: 'recall <words> [--category c] [--limit n] [--json]', summary: 'earlier discoveries (solutions, blockers, ...) that mention the words', readOnly: true, load: () => import('./verbs/recall.js') },
  memory: { usage: 'memory [--json] [--peek]', summary: 'what changed in the memory bank since you last looked', readOnly: true, load: () => import('./verbs/memory.js') },
  // The message verbs renew the lease themselves, at most every 15 s (MESSAGE_HEARTBEAT_EVERY_MS): readOnly skips the dispatcher's.
  send: { usage: 'send <to> "<text>" [--type T] [--priority urgent|normal|low] [--paths a,b] [--requires-response]', summary: 'message an instance, leader, broadcast or a channel (text - reads stdin)', readOnly: true, load: () => import('./verbs/messaging.js').then((m) => ({ run: m.send })) },
  broadcast: { usage: 'broadcast "<text>" [--type T]', summary: 'tell every instance and the leader (a discovery, by default)', readOnly: true, load: () => import('./verbs/messaging.js').then((m) => ({ run: m.broadcast })) },
  alert: { usage: 'alert "<text>"', summary: 'urgent post to #alerts: blocked, broken, need help', readOnly: true, load: () => import('./verbs/messaging.js').then((m) => ({ run: m.alert })) },
  ask: { usage: 'ask "<question>" [--to X]', summary: 'ask everyone (or X); prints the question id that answers refer to', readOnly: true, load: () => import('./verbs/messaging.js').then((m) => ({ run: m.ask })) },
  answer: { usage: 'answer <question-id> "<text>"', summary: 'answer a question; it goes to whoever asked', readOnly: true, load: () => import('./verbs/messaging.js').then((m) => ({ run: m.answer })) },
  inbox: { usage: 'inbox [--all] [--json] [--peek]', summary: 'messages since you last read (each shown as new once); --peek keeps them new', readOnly: true, load: () => import('./verbs/inbox.js') },
  handoff: { usage: 'handoff <task-id> --to <instance> "<what / why / where / next>"', summary: 'pass your task, its path claims and its context to another instance', load: () => import('./verbs/claiming.js').then((m) => ({ run: m.handoff })) },
  join: { usage: 'join <channel>', summary: 'join (or create) a named channel', load: () => import('./verbs/messaging.js').then((m) => ({ run: m.join })) },
  leave: { usage: 'leave <channel>', summary: 'leave a named channel', load: () => import('./verbs/messaging.js').then((m) => ({ run: m.leave })) },
  channels: { usage: 'channels [--json]', summary: 'the channels and their members', readOnly: true, load: () => import('./verbs/messaging.js').then((m) => ({ run: m.channels })) },
  claim: { usage: 'claim <path|glob> ["reason"] [--task id | --no-task]', summary: 'take a path before editing it; refused if it overlaps another instance\'s claim', load: () => import('./verbs/claiming.js').then((m) => ({ run: m.claim })) },
  release: { usage: 'release <path> | --all', summary: 'give a path claim back', load: () => import('./verbs/claiming.js').then((m) => ({ run: m.release })) },
  claims: { usage: 'claims [--mine] [--json]', summary: 'every path claim and its holder', readOnly: true, load: () => import('./verbs/claiming.js').then((m) => ({ run: m.claims })) },
  'check-claims': { usage: 'check-claims --staged | <paths...>', summary: 'exit 4 if these paths are claimed by another instance (the pre-commit hook runs it)', readOnly: true, load: () => import('./verbs/claiming.js').then((m) => ({ run: m.checkClaims })) },
};

/** One entry per verb: the usage, then its summary indented below, so no line runs wide. */
export function usageText(): string {
  const entries = Object.values(verbs).map((v) => `  ${v.usage}\n      ${v.summary}`);
  return ['usage: coordinate.sh <verb> [args]', '', ...entries, '', 'coordinate.sh <verb> --help shows one verb.'].join('\n');
}
