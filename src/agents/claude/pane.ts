// What Claude Code's screen says, for the states its hooks cannot report: the first-run dialogs
// (no hook runs before the folder is trusted), and as a fallback for permission prompts and API
// retries. Texts read from Claude Code 2.1.332 in tmux (capture-pane); the test with the real
// binary pins them.
import type { PaneReading } from '../kind/index.js';

const DIALOGS: [RegExp, string, string][] = [
  [/Is this a project you created or one you trust|Do you trust the files in this folder|Yes, I trust this folder/, 'trust', 'Claude Code asks whether to trust this folder'],
  [/Detected a custom API key in your environment|Do you want to use this API key\?/, 'api-key', 'Claude Code asks whether to use the API key in its environment'],
  [/Select login method|Not logged in|Please run \/login|Paste code here if prompted/i, 'login', 'Claude Code is not logged in'],
  [/Choose the text style|Let's get started/, 'onboarding', "Claude Code shows its first-run setup"],
  [/Auto mode can't check actions in this session/, 'auto-mode', "Claude Code's auto mode cannot reach its safety check (use --permission-mode acceptEdits or dontAsk)"],
  [/Enter to confirm · Esc to cancel|Enter to confirm/, 'dialog', 'Claude Code shows a dialog'],
];

/** The tool of a permission prompt: its header ("Bash command") and, for Bash, the command shown between the dashed rules. */
function permissionTool(lines: string[]): string {
  const at = lines.findIndex((l) => /Do you want to (proceed|make this edit|create)/.test(l));
  const above = lines.slice(Math.max(0, at - 40), at).map((l) => l.trim());
  const headers = above.map((l, i) => (/^(Bash command|Edit file|Create file|Write|Read|Fetch|Web|MCP|Tool use)/i.test(l) ? i : -1)).filter((i) => i >= 0);
  const headerAt = headers.at(-1) ?? -1;
  if (headerAt < 0) return 'a tool';
  const header = above[headerAt]!;
  if (!/^Bash/i.test(header)) return header;
  const rules = above.map((l, i) => (/^╌{5,}$/.test(l) ? i : -1)).filter((i) => i > headerAt);
  const command = rules.length >= 2 ? above.slice(rules[0]! + 1, rules[1]).join(' ').trim() : '';
  return command ? `Bash: ${command}` : 'Bash';
}

export function readClaudePane(text: string): PaneReading {
  const lines = text.split('\n');
  for (const [pattern, dialog, detail] of DIALOGS) {
    if (pattern.test(text)) return { state: 'waiting-dialog', dialog, detail, idle: false };
  }
  if (/Do you want to (proceed|make this edit|create)/.test(text) && /❯ 1\. Yes/.test(text)) {
    return { state: 'waiting-permission', tool: permissionTool(lines), idle: false };
  }
  const busy = /esc to interrupt/.test(text);
  const retry = lines.find((l) => /(API error|\b429\b|rate limit|overloaded).*retrying in \d+s/i.test(l));
  if (retry) return { state: 'rate-limited', detail: retry.replace(/^[^A-Za-z0-9]+/, '').trim(), idle: false };
  if (busy) return { state: 'working', idle: false };
  // The input box: a "❯" line between two horizontal rules, and no spinner. It is safe to type
  // into only when empty (or showing Claude Code's own hint): text someone left there, or a long
  // line wrapped over two rows, would be submitted with ours.
  // The last such line: the conversation above shows earlier prompts with the same "❯".
  const prompt = lines.map((l, i) => (/^❯/.test(l) && /^─{10,}/.test(lines[i - 1] ?? '') ? i : -1)).filter((i) => i >= 0).at(-1) ?? -1;
  if (prompt >= 0) {
    const single = /^─{10,}/.test(lines[prompt + 1] ?? '');
    const empty = /^❯\s*$/.test(lines[prompt]!) || /^❯\s+(Resend your message to try again|Try ")/.test(lines[prompt]!);
    return { state: 'idle', idle: single && empty, input: lines[prompt]!.replace(/^❯\s?/, '').trimEnd() };
  }
  return { state: null, idle: false };
}
