// UserPromptSubmit and PostToolUse: new inbox messages as context, and nothing at all when there are
// none (hook-entry.ts has usually decided that already from the stamp, without loading this).
import { contextOutput, type HookOutput } from './hook-io.js';
import { takeInboxNews } from './inbox.js';
import type { HookRun } from './run.js';

export async function inboxNews(run: HookRun): Promise<HookOutput | null> {
  const text = await takeInboxNews(run.ctx, 'new');
  return text ? contextOutput(run.event, text) : null;
}
