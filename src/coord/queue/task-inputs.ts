// The inputs the task verbs take, one definition each, for both doors: the MCP tools' input shapes
// (src/agents/mcp) and coordinate.sh / wt-coord's argument parsing (src/instance/verbs,
// src/commands). A shape here says only the JSON type; the rule itself (what a task id, a
// priority, a progress may be) is the domain function beside it, which both doors call, so both
// accept the same inputs and refuse the rest with the same message (test/mcp-cli-parity.test.ts).
import { z } from 'zod';
import { UsageError } from '../../lib/errors.js';

/** A task id as given: `task-010`, `task-10`, `10` or `#10` (normalizeTaskId decides). */
export const taskIdInputSchema = z.string().describe('a task id: task-010, task-10, 10 or #10');

/** The fencing token request-task / claim_task printed (no default: absent means "not checked"). */
export const taskTokenInputSchema = z.number().int().min(0).describe('the fencing token claim_task returned');

/** A progress: a number from 0 to 1, or the text forms coordinate.sh takes (`0.7`, `.7`, `70%`). */
export const progressInputSchema = z.union([z.number(), z.string()]).describe('0 to 1 (0.4), or a percentage as text ("40%")');

const PROGRESS_EXAMPLE = 'e.g. report-progress 0.7 "tests pass" or report-progress 70%';

function inRange(value: number, shown: string): number {
  if (!(Number.isFinite(value) && value >= 0 && value <= 1)) throw new UsageError(`progress must be between 0 and 1 (or 0% and 100%), got ${shown}`, PROGRESS_EXAMPLE);
  return value;
}

/**
 * A progress as text (`0.7`, `70%`): its value, or undefined for text that is not meant as one (a
 * message). Text that looks like a number but is not a valid progress (`0,5`, `50%%`, `1.5`) is an
 * error, not a message.
 */
export function parseProgressText(text: string): number | undefined {
  const match = /^(-?\d+(?:\.\d+)?|-?\.\d+)(%?)$/.exec(text.trim());
  if (!match) {
    if (/^[-+]?[\d.,]*\d[\d.,]*%*$/.test(text.trim())) throw new UsageError(`"${text}" is not a progress`, `give a number from 0 to 1 or a percentage first, ${PROGRESS_EXAMPLE}`);
    return undefined;
  }
  return inRange(Number(match[1]) / (match[2] ? 100 : 1), text);
}

/** A progress given as such (MCP's progress field): a number in 0..1 or a progress text; anything else is refused. */
export function parseProgressInput(value: number | string): number {
  if (typeof value === 'number') return inRange(value, String(value));
  const parsed = parseProgressText(value);
  if (parsed === undefined) throw new UsageError(`"${value.slice(0, 40)}" is not a progress`, `give a number from 0 to 1 or a percentage, ${PROGRESS_EXAMPLE}`);
  return parsed;
}

/** A priority as typed (`-p 2`, `--priority=-5`); the range is checked with the task (addTask). */
export function parseTaskPriority(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text.trim())) throw new UsageError(`priority must be a whole number, got "${text}"`, 'lower numbers go first, e.g. -p 1');
  return Number(text);
}
