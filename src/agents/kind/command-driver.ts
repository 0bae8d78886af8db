// The driver of any agent wt-coord has no special knowledge of (a script, aider): the first prompt
// is the command's last argument (aider takes it as --message), and its state comes from the
// process alone (running or exited).
import type { AgentDriver } from './driver.js';

export const commandDriver: AgentDriver = {
  name: 'command',
  matches: () => true,
  launchArgs: ({ argv, prompt }) => [...argv, prompt],
};

export const aiderDriver: AgentDriver = {
  name: 'aider',
  matches: (program) => program === 'aider',
  launchArgs: ({ argv, prompt }) => [...argv, '--message', prompt],
};
