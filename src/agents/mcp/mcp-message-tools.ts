// The MCP tools of the message bus and path claims (send_message, read_inbox, claim_path,
// release_path): the same domain calls as `coordinate.sh send|inbox|claim|release`, with input
// shapes from the same zod schemas (messages.ts, claims.ts, tasks). The rules (recipients, limits,
// priorities, path patterns) are the domain's, checked by the same functions coordinate.sh calls.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { claimPath, claimPatternOf, claimSchema, releasePath } from '../../coord/claims/index.js';
import { formatInbox, formatSkipped } from '../../coord/messages/index.js';
import { messagePriorities, messageSchema, parseMessageId, parsePriority, readInboxReport, sendMessage } from '../../coord/messages/index.js';
import { taskIdInputSchema } from '../../coord/queue/index.js';
import { actingInstance, defineTool, type McpIdentity } from './mcp-tool.js';

export function registerMessageTools(server: McpServer, identity: McpIdentity): void {
  const { coordDir } = identity;
  const me = () => identity.instance?.name ?? 'leader';
  /** Claims are repository-relative; an absolute path into this instance's worktree or the main checkout is accepted too (as coordinate.sh claim does). */
  const roots = () => [...(identity.instance?.worktree ? [identity.instance.worktree] : []), identity.mainRepo];

  defineTool(server, 'send_message', 'Send a message to an instance (instance-2), the leader, broadcast, or a channel (#general, #alerts, #handoffs).', {
    to: messageSchema.shape.to.describe('instance-2 (or 2), leader, broadcast, #general, #alerts, #handoffs or a channel joined'),
    body: messageSchema.shape.body.describe('the text (at most 64 KiB)'),
    type: messageSchema.shape.type.optional().describe('message (default), question, answer, discovery, alert, handoff, status, ...'),
    priority: z.string().optional().describe(`${messagePriorities.join(', ')} (default normal)`),
    paths: z.array(z.string()).optional(),
    reply_to: z.string().optional().describe('the id of the message this answers (m42)'),
    requires_response: messageSchema.shape.requires_response.optional(),
  }, async ({ to, body, type, priority, paths, reply_to, requires_response }) => {
    const message = await sendMessage(coordDir, {
      from: me(),
      to,
      body,
      type: type ?? (reply_to ? 'answer' : 'message'),
      priority: parsePriority(priority),
      paths,
      correlation_id: reply_to === undefined ? undefined : parseMessageId(reply_to),
      requires_response,
    });
    return { text: `sent ${message.id} to ${message.to}`, data: { id: message.id, to: message.to, seq: message.seq } };
  });

  defineTool(server, 'read_inbox', 'Messages for you that you have not seen yet (all: every retained one). Reading moves your read position.', {
    all: z.boolean().optional(),
  }, async ({ all }) => {
    const report = await readInboxReport(coordDir, me(), { all });
    const warning = formatSkipped(report.skipped);
    const text = [formatInbox(report.messages, me()), ...(warning ? [warning] : [])].join('\n');
    return { text, data: { messages: report.messages, position: report.position } };
  });

  defineTool(server, 'claim_path', 'Claim a path or glob (src/api/, src/**/*.sql) before editing a shared area. First claim wins; a refusal names the holder.', {
    path: claimSchema.shape.pattern,
    reason: z.string().optional().describe('why, one short line (at most 500 characters)'),
    task_id: taskIdInputSchema.optional().describe('default: the task you hold, if you hold one'),
  }, async ({ path: pattern, reason, task_id }) => {
    const instance = actingInstance(identity, 'claim_path');
    const claim = await claimPath(coordDir, instance.id, claimPatternOf(pattern, roots()), reason, task_id);
    return { text: `claimed ${claim.pattern}`, data: { claim } };
  });

  defineTool(server, 'release_path', 'Release a path you claimed.', {
    path: claimSchema.shape.pattern,
  }, async ({ path: pattern }) => {
    const instance = actingInstance(identity, 'release_path');
    const claim = await releasePath(coordDir, instance.id, claimPatternOf(pattern, roots()));
    return { text: `released ${claim.pattern}`, data: { claim } };
  });
}
