// `wt-coord mcp [--instance k]`: the coordination as MCP tools (seed 001's Option B broker), over
// stdio, on the official SDK: McpServer + registerTool (zod input shapes) + StdioServerTransport.
// Every tool calls the same domain functions as coordinate.sh and the CLI, with input shapes from
// the domain (task-inputs.ts, memory-queue.ts, ...) that give only the JSON type: each rule (a task
// id's forms, a limit, a configured category) is checked by the domain function both doors call, so
// a tool and its CLI twin accept the same inputs and refuse the rest with the same message
// (test/mcp-cli-parity.test.ts walks every pair). Input of the wrong JSON type is answered by the
// SDK as a tool error naming the field; a domain failure becomes a tool error with the WtError's
// message and hint (isError: true). Neither stops the server.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';
import { UsageError } from '../../lib/errors.js';
import { instancesDoc, instanceName } from '../../coord/instances/index.js';
import { MAX_DISCOVERY_FILES, categoryInputSchema, queueDiscovery } from '../../coord/memory/index.js';
import { readCurrentConfig } from '../../config/cached.js';
import { completeTask, listTasks, queueSummary, reportProgress, requestTask } from '../../coord/queue/index.js';
import { addTask } from '../../coord/queue/index.js';
import { MAX_DESCRIPTION, parseProgressInput, progressInputSchema, taskIdInputSchema, taskTokenInputSchema } from '../../coord/queue/index.js';
import { readDoc } from '../../coord/transact.js';
import { MAX_GOAL, writeMasterPlan } from '../../coord/master-plan.js';
import { registerMessageTools } from './mcp-message-tools.js';
import { actingInstance, defineTool, type McpIdentity } from './mcp-tool.js';
import { packageVersion } from '../../lib/package-paths.js';

export type { McpIdentity } from './mcp-tool.js';

export function createMcpServer(identity: McpIdentity): McpServer {
  const server = new McpServer({ name: 'wt-coord', version: packageVersion() }, { instructions: instructionsFor(identity) });
  const { coordDir } = identity;

  defineTool(server, 'init_coordination', 'Set the overall goal every instance reads (master-plan.md in the coordination folder, as `wt-coord plan` writes it).', {
    goal: z.string().describe(`the overall goal, one or two sentences (at most ${MAX_GOAL} characters)`),
    replace: z.boolean().optional().describe('replace an existing master plan'),
  }, async ({ goal, replace }) => {
    const file = await writeMasterPlan(coordDir, goal, Boolean(replace));
    return { text: `master plan written to ${file}`, data: { file } };
  });

  defineTool(server, 'create_task', 'Add a task to the shared queue (lower priority number goes first).', {
    description: z.string().describe(`what to do, in a sentence (at most ${MAX_DESCRIPTION} characters)`),
    priority: z.number().optional().describe('a whole number; lower goes first (default 3)'),
    dependencies: z.array(taskIdInputSchema).optional().describe('ids of tasks that must be done first'),
    files: z.array(z.string()).optional(),
    hints: z.string().optional(),
  }, async (input) => {
    const task = await addTask(coordDir, input);
    return { text: `added ${task.id} (priority ${task.priority}): ${task.description}`, data: { task } };
  });

  defineTool(server, 'claim_task', 'Claim the best ready task (or the one named) for this instance and get its briefing. If you already hold an unfinished task you get that one back.', {
    task_id: taskIdInputSchema.optional(),
    another: z.boolean().optional().describe('claim a second task even though you hold one'),
  }, async ({ task_id, another }) => {
    const me = actingInstance(identity, 'claim_task');
    const result = await requestTask(coordDir, me.id, { taskId: task_id, another });
    if (result.kind === 'none') return { text: result.message, data: { claimed: false, reason: result.reason } };
    return { text: result.briefing, data: { claimed: true, resumed: result.kind === 'resumed', task: result.task } };
  });

  defineTool(server, 'complete_task', 'Mark the task you hold as done, with a summary of the result (what changed, where, what is left).', {
    task_id: taskIdInputSchema.optional().describe('needed only when you hold several tasks'),
    summary: z.string().optional().describe('what changed, where, what is left'),
    token: taskTokenInputSchema.optional(),
  }, async ({ task_id, summary, token }) => {
    const me = actingInstance(identity, 'complete_task');
    const { task, unblocked } = await completeTask(coordDir, me.id, task_id, summary ?? '', { token });
    const next = unblocked.length ? `unblocked: ${unblocked.map((t) => t.id).join(', ')}` : 'unblocked: none';
    return { text: `completed ${task.id}; ${next}`, data: { task, unblocked: unblocked.map((t) => t.id) } };
  });

  defineTool(server, 'get_status', 'The queue summary, every instance with its task and progress, and the open tasks.', {}, async () => {
    const [summary, tasks, { instances }] = await Promise.all([queueSummary(coordDir), listTasks(coordDir), readDoc(coordDir, instancesDoc)]);
    const open = tasks.filter((t) => t.status === 'available' || t.status === 'claimed').map((t) => ({ id: t.id, status: t.status, claimed_by: t.claimed_by, priority: t.priority, description: t.description }));
    const team = instances.map((i) => ({ name: i.name, progress: i.progress, message: i.progress_message, tasks: i.assigned_tasks, last_seen: i.last_seen }));
    const lines = [
      `queue: ${summary.total} tasks: ${summary.ready} ready, ${summary.waiting} waiting, ${summary.claimed} claimed, ${summary.done} done, ${summary.failed} failed`,
      ...team.map((i) => `${i.name}: ${Math.round(i.progress * 100)}%${i.tasks.length ? ` on ${i.tasks.join(', ')}` : ''}${i.message ? ` (${i.message})` : ''}`),
    ];
    return { text: lines.join('\n'), data: { you: identity.instance?.name ?? 'leader', summary: { ...summary }, instances: team, open_tasks: open } };
  });

  defineTool(server, 'add_discovery', 'Share a finding with every instance: queued, then merged into the memory bank (systemPatterns.md).', {
    text: z.string().describe('the discovery, a sentence or a paragraph (at most 64 KiB)'),
    category: categoryInputSchema.optional(),
    files: z.array(z.string()).optional().describe(`files it is about (at most ${MAX_DISCOVERY_FILES})`),
    task_id: taskIdInputSchema.optional(),
  }, async ({ text, category, files, task_id }) => {
    const me = identity.instance?.name ?? 'leader';
    // Read per call: a category added to wt-coord.yaml counts at once, as for coordinate.sh.
    const { memory_categories: categories } = await readCurrentConfig(identity.mainRepo, coordDir);
    const queued = await queueDiscovery(coordDir, { instance: me, task: task_id ?? null, category: category ?? categories[0]!, text, files: files ?? [] }, { categories, taskGiven: task_id !== undefined });
    return { text: `queued discovery ${queued.id} (${queued.category}); it reaches the memory bank at the next merge`, data: { ...queued } };
  });

  defineTool(server, 'report_progress', 'Report how far you are (0 to 1) and what you are doing; also renews your lease on your task. With neither, the progress as recorded is published again (a heartbeat).', {
    progress: progressInputSchema.optional(),
    message: z.string().optional().describe('what you are doing (at most 1000 characters)'),
  }, async ({ progress: given, message }) => {
    const me = actingInstance(identity, 'report_progress');
    const progress = given === undefined ? undefined : parseProgressInput(given);
    // Neither given: as `coordinate.sh report-progress` with no argument, what is recorded stands and the heartbeat renews.
    await reportProgress(coordDir, me.id, progress, message);
    return { text: progress === undefined && message === undefined ? 'reported: progress as recorded, lease renewed' : `reported${progress === undefined ? '' : ` ${Math.round(progress * 100)}%`}${message ? `: ${message}` : ''}` };
  });

  registerMessageTools(server, identity);
  return server;
}

function instructionsFor(identity: McpIdentity): string {
  const who = identity.instance ? `You are ${identity.instance.name}.` : 'This server acts for the leader.';
  return `${who} wt-coord coordinates several agents on one repository: claim_task, report_progress while you work, add_discovery for what others should know, claim_path before editing shared areas, read_inbox when told of messages, complete_task with a summary.`;
}

/** Resolves `--instance` against the registry: the server must act for a real instance. */
export async function resolveIdentity(coordDir: string, mainRepo: string, memoryBankDir: string, instanceId: number | null): Promise<McpIdentity> {
  if (instanceId === null) return { coordDir, mainRepo, memoryBankDir, instance: null };
  const { instances } = await readDoc(coordDir, instancesDoc);
  const found = instances.find((i) => i.id === instanceId);
  if (!found) throw new UsageError(`${instanceName(instanceId)} is not registered`, '`wt-coord status` lists the instances; spawn registers the server for each one');
  return { coordDir, mainRepo, memoryBankDir, instance: { id: found.id, name: found.name, worktree: found.worktree } };
}

/** Serves until the client closes stdin. Nothing else may write to stdout: it carries the protocol. */
export async function runMcpServer(identity: McpIdentity): Promise<void> {
  const server = createMcpServer(identity);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => void server.close().finally(resolve));
  });
  await server.connect(transport);
  await closed;
}
