// What an instance's agent runs: the command line the user named (`claude`, `codex`, a script),
// split into words and its program found before anything starts. How the first prompt is added
// is the agent kind's (src/agents/drivers/).
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../lib/errors.js';

export interface AgentCommand {
  /** The text the user gave (recorded on the instance). */
  spec: string;
  /** argv: the program (absolute path) and its own arguments, without the prompt. */
  argv: string[];
  /** The program's base name: decides how the prompt is passed. */
  kind: string;
}

/** Splits a command line into words the way a POSIX shell would for plain words and quotes. */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) word += line[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new UsageError(`the agent command has an unclosed ${quote} quote: ${line}`, 'close the quote, e.g. --agent "claude --model sonnet"');
  if (inWord) words.push(word);
  return words;
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The absolute path of `program`, looked up on PATH unless it names a path; null when there is none. */
export function findProgram(program: string, cwd: string, envPath = process.env.PATH ?? ''): string | null {
  if (program.includes('/')) {
    const full = path.resolve(cwd, program);
    return isExecutableFile(full) ? full : null;
  }
  for (const dir of envPath.split(path.delimiter).filter(Boolean)) {
    const full = path.join(dir, program);
    if (isExecutableFile(full)) return full;
  }
  return null;
}

/** Parses and resolves an agent command; a program that cannot be found is a usage error, before anything starts. */
export function resolveAgentCommand(spec: string, cwd: string): AgentCommand {
  const words = splitCommandLine(spec.trim());
  if (words.length === 0) throw new UsageError('the agent command is empty', 'pass --agent claude, or the path of a script');
  const program = words[0]!;
  const found = findProgram(program, cwd);
  if (!found) {
    const where = program.includes('/') ? `${path.resolve(cwd, program)} does not exist or is not executable` : `"${program}" is not on PATH`;
    throw new UsageError(`agent command not found: ${where}`, program === 'claude' ? 'install Claude Code (npm install -g @anthropic-ai/claude-code) or pass --agent <command>' : 'check the spelling, give a path (./my-agent.sh) and make it executable (chmod +x)');
  }
  return { spec, argv: [found, ...words.slice(1)], kind: path.basename(program) };
}
