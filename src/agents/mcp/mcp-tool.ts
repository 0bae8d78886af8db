// What every wt-coord MCP tool shares: who the server acts for, and how a tool answers. A tool's
// failure is answered as a tool error (isError: true) carrying the WtError's message and hint, so
// the model can read what to fix; the server itself never stops over one call.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import { UsageError, formatError } from '../../lib/errors.js';

export interface McpIdentity {
  coordDir: string;
  mainRepo: string;
  memoryBankDir: string;
  /** The instance this server acts for; null: the leader (no task of its own). */
  instance: { id: number; name: string; worktree: string } | null;
}

export interface ToolAnswer {
  text: string;
  data?: Record<string, unknown>;
}

export type ToolRunner<A> = (args: A) => Promise<ToolAnswer>;

/** Registers a tool whose failures are answered as tool errors the model can read. */
export function defineTool<S extends z.ZodRawShape>(server: McpServer, name: string, description: string, shape: S, run: ToolRunner<z.infer<z.ZodObject<S>>>): void {
  server.registerTool(name, { description, inputSchema: shape }, (async (args: z.infer<z.ZodObject<S>>): Promise<CallToolResult> => {
    try {
      const answer = await run(args);
      return { content: [{ type: 'text', text: answer.text }], ...(answer.data ? { structuredContent: answer.data } : {}) };
    } catch (error) {
      return { isError: true, content: [{ type: 'text', text: formatError(error) }] };
    }
  }) as never);
}

/** The instance this server acts for, or a clear error for the leader's server. */
export function actingInstance(identity: McpIdentity, tool: string): { id: number; name: string; worktree: string } {
  if (!identity.instance) {
    throw new UsageError(`${tool} acts for an instance, and this server runs for the leader`, 'start the server as `wt-coord mcp --instance <k>` (spawn registers it that way in each instance)');
  }
  return identity.instance;
}

