// Token usage of one Claude Code session, from its transcript (~/.claude/projects/<dir>/<id>.jsonl):
// every assistant line carries its message's `usage`; one message can span several lines (one
// per content block), so each message id counts once, with its last usage.
import { promises as fs } from 'node:fs';
import { addUsage, NO_USAGE, type TokenUsage } from '../kind/index.js';

const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

export async function transcriptUsage(transcript: string | null): Promise<TokenUsage | null> {
  if (!transcript) return null;
  const text = await fs.readFile(transcript, 'utf8').catch(() => null);
  if (text === null) return null;
  const byMessage = new Map<string, TokenUsage>();
  let anonymous = 0;
  for (const line of text.split('\n')) {
    if (!line.includes('"usage"')) continue;
    let entry: { type?: string; message?: { id?: string; usage?: Record<string, unknown> } };
    try {
      entry = JSON.parse(line);
    } catch {
      continue; // a torn last line while the agent writes
    }
    const usage = entry.type === 'assistant' ? entry.message?.usage : undefined;
    if (!usage) continue;
    byMessage.set(entry.message?.id ?? `anonymous-${anonymous++}`, {
      input_tokens: num(usage.input_tokens),
      output_tokens: num(usage.output_tokens),
      cache_read_input_tokens: num(usage.cache_read_input_tokens),
      cache_creation_input_tokens: num(usage.cache_creation_input_tokens),
    });
  }
  return [...byMessage.values()].reduce(addUsage, NO_USAGE);
}
