// The argument splitter of every coordinate.sh verb (commander stays off the instance path).
import { UsageError } from '../../lib/errors.js';

export interface ParsedArgs {
  positionals: string[];
  flags: Set<string>;
  options: Map<string, string>;
}

/** `flags` take no value, `options` take the next argument; `-0.5`-style numbers are positionals. */
export function parseVerbArgs(verb: string, args: string[], flags: string[] = [], options: string[] = []): ParsedArgs {
  const parsed: ParsedArgs = { positionals: [], flags: new Set(), options: new Map() };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      parsed.positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || /^-\d/.test(arg) || arg === '-') {
      parsed.positionals.push(arg);
      continue;
    }
    const [name, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
    if (flags.includes(name)) parsed.flags.add(name);
    else if (options.includes(name)) {
      const value = inline ?? args[++i];
      if (value === undefined) throw new UsageError(`${verb}: ${name} needs a value`, `coordinate.sh ${verb} --help`);
      parsed.options.set(name, value);
    } else {
      const known = [...flags, ...options.map((o) => `${o} <value>`)].join(', ') || 'no options';
      throw new UsageError(`${verb}: unknown option ${name.slice(0, 40)}`, `${verb} takes ${known}; text that starts with - goes after --, as in coordinate.sh ${verb} -- "--text"`);
    }
  }
  return parsed;
}

export function parseToken(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--token must be the number request-task printed, got "${value}"`, 'e.g. --token 12');
  return Number(value);
}

/** A positional that is meant as a task id: `task-001`, `#1`, `1`. */
export function looksLikeTaskId(value: string): boolean {
  return /^(?:#|task-)?\d+$/.test(value.trim());
}
