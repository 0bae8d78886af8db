// What Codex's screen says, for what its hooks cannot report: the screens before the first hook
// runs (folder trust, hook review, a model-migration notice, login) and approval prompts. Texts read
// from Codex 0.169.0 in tmux (capture-pane); test/agents-codex.slow.test.ts drives the binary.

import type { PaneReading } from '../kind/index.js';

const DIALOGS: [RegExp, string, string][] = [
  [/Trust this folder\?/, 'trust', 'Codex asks whether to trust this folder'],
  [/Hooks need review/, 'hooks', 'Codex asks to review hooks that are new or changed'],
  [/Try new model|Use existing model/, 'model-migration', 'Codex offers a newer model and waits for the answer'],
  [/Sign in with ChatGPT|Provide your own API key|Not logged in/i, 'login', 'Codex is not logged in'],
];

const APPROVAL = /Would you like to (run the following command|make the following edits)|Allow command\?|requires approval/i;

export function readCodexPane(text: string): PaneReading {
  for (const [pattern, dialog, detail] of DIALOGS) {
    if (pattern.test(text)) return { state: 'waiting-dialog', dialog, detail, idle: false };
  }
  if (APPROVAL.test(text)) {
    const command = text.split('\n').map((l) => l.trim()).find((l) => l.startsWith('$ '));
    return { state: 'waiting-permission', tool: command ? `exec: ${command.slice(2, 122)}` : 'a command', idle: false };
  }
  if (/esc to interrupt/.test(text)) return { state: 'working', idle: false };
  // The composer is empty when its footer offers the shortcuts ("? for shortcuts").
  if (/\? for shortcuts/.test(text)) return { state: 'idle', idle: true };
  return { state: null, idle: false };
}
