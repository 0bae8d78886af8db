// A tiny flag parser for the memory verbs (coordinate.sh stays free of commander): `--name value`,
// `--name=value` and boolean `--name`; anything else is a positional word. Unknown flags are errors.
import { UsageError } from '../../errors.js';

export interface ParsedArgs {
  words: string[];
  values: Record<string, string>;
  flags: Set<string>;
}

export function parseVerbArgs(verb: string, args: string[], valueFlags: string[], boolFlags: string[]): ParsedArgs {
  const out: ParsedArgs = { words: [], values: {}, flags: new Set() };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      out.words.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '--') {
      out.words.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (boolFlags.includes(name) && eq === -1) {
      out.flags.add(name);
    } else if (valueFlags.includes(name)) {
      const value = eq === -1 ? args[++i] : arg.slice(eq + 1);
      if (value === undefined) throw new UsageError(`--${name} needs a value`, `see coordinate.sh ${verb} --help`);
      out.values[name] = value;
    } else {
      const known = [...valueFlags.map((f) => `--${f} <value>`), ...boolFlags.map((f) => `--${f}`)].join(', ');
      throw new UsageError(`unknown option ${arg.slice(0, 40)} for ${verb}`, `${verb} takes ${known || 'no options'}; text that starts with - goes after --, as in coordinate.sh ${verb} -- "--text"`);
    }
  }
  return out;
}
