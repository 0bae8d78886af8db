// Domain errors: every failure a user can cause is a WtError with a one-line message and a hint
// that names the fix. Only the entry points (cli.ts, instance.ts) print them and pick the exit code.
import type { ZodError } from 'zod';

export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  /** request-task: nothing is ready to claim (distinct so scripts can loop on it). */
  nothingReady: 3,
  /** a claim (task or path) lost to another holder. */
  conflict: 4,
  /** the caller's lease expired or it does not hold what it acts on. */
  notHolder: 5,
  /** refused to lose work (dirty worktree, unmerged commits). */
  wouldLoseWork: 6,
} as const;

export class WtError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly exitCode: number = ExitCode.failure,
    readonly code = 'WT_ERROR',
  ) {
    super(message);
    this.name = 'WtError';
  }
}

export class UsageError extends WtError {
  constructor(message: string, hint?: string) {
    super(message, hint, ExitCode.usage, 'USAGE');
  }
}

/** A file on disk that fails its schema or does not parse: never overwritten, always named. */
export class InvalidFileError extends WtError {
  constructor(readonly file: string, problem: string, hint = 'run `wt-coord doctor --fix` to restore the last good backup, or repair the file by hand') {
    super(`${file} is invalid: ${problem}`, hint, ExitCode.failure, 'INVALID_FILE');
  }
}

/** The first problem of a zod error as `field: problem`, so a message stays one line. */
export function describeZodError(error: ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid value';
  const path = issue.path.length ? issue.path.join('.') : '(root)';
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  return `${path}: ${issue.message}${more}`;
}

/** One line for the user: `error: <what is wrong> — <how to fix it>`. (Hints often hold a command
 *  in parentheses themselves, so the hint is not wrapped in more.) */
export function formatError(error: unknown): string {
  if (error instanceof WtError) return `error: ${error.message}${error.hint ? ` — ${error.hint}` : ''}`;
  if (error instanceof Error) return `error: ${error.message.split('\n')[0]}`;
  return `error: ${String(error)}`;
}

export function exitCodeOf(error: unknown): number {
  return error instanceof WtError ? error.exitCode : ExitCode.failure;
}
