// The agent kinds wt-coord knows, looked up by the program's base name. To add one, see
// src/agents/kind/driver.ts: write its driver, then list it here (nothing registers itself).
import path from 'node:path';
import { claudeDriver } from '../claude/index.js';
import { codexDriver } from '../codex/index.js';
import { aiderDriver, commandDriver, type AgentDriver } from '../kind/index.js';

/** Most specific first; the command driver takes anything. */
const DRIVERS: AgentDriver[] = [claudeDriver, codexDriver, aiderDriver, commandDriver];

/** The driver for an agent program (a name or a path: `/usr/local/bin/claude` is claude). */
export function driverFor(program: string): AgentDriver {
  const base = path.basename(program);
  return DRIVERS.find((d) => d.matches(base))!;
}
