// The few settings of Codex's config.toml ($CODEX_HOME/config.toml, ~/.codex by default) that
// preflight reads: the provider, its key, and the trust of a folder. A reader of that subset, not a
// TOML parser (wt-coord has no TOML dependency): table headers with bare or quoted keys, and
// `key = "string" | true | false` lines; anything else is skipped. Writing is one appended table.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '../../lib/atomic.js';

export function codexHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.CODEX_HOME?.trim() ? path.resolve(env.CODEX_HOME) : path.join(os.homedir(), '.codex');
}

export function codexConfigFile(home: string): string {
  return path.join(home, 'config.toml');
}

/** Table path (e.g. ['projects', '/repo']) to its simple values. '' is the top level. */
export type CodexSettings = Map<string, Map<string, string | boolean>>;

function splitKey(text: string): string[] | null {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest) {
    let key: string;
    if (rest.startsWith('"')) {
      const match = /^"((?:[^"\\]|\\.)*)"/.exec(rest);
      if (!match) return null;
      key = JSON.parse(`"${match[1]}"`) as string;
      rest = rest.slice(match[0].length).trim();
    } else if (rest.startsWith("'")) {
      const end = rest.indexOf("'", 1);
      if (end < 0) return null;
      key = rest.slice(1, end);
      rest = rest.slice(end + 1).trim();
    } else {
      const match = /^[A-Za-z0-9_-]+/.exec(rest);
      if (!match) return null;
      key = match[0];
      rest = rest.slice(key.length).trim();
    }
    parts.push(key);
    if (!rest) break;
    if (!rest.startsWith('.')) return null;
    rest = rest.slice(1).trim();
  }
  return parts;
}

const tableName = (parts: string[]) => parts.join('\u0000');

export function parseCodexSettings(text: string): CodexSettings {
  const settings: CodexSettings = new Map([['', new Map()]]);
  let table = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const header = /^\[([^[\]]+)\]\s*(#.*)?$/.exec(line);
    if (header) {
      const parts = splitKey(header[1]!);
      table = parts ? tableName(parts) : '\u0001unreadable';
      if (!settings.has(table)) settings.set(table, new Map());
      continue;
    }
    const pair = /^([A-Za-z0-9_-]+)\s*=\s*(.+?)\s*(#[^"']*)?$/.exec(line);
    if (!pair) continue;
    const value = pair[2]!;
    let parsed: string | boolean | undefined;
    if (value === 'true' || value === 'false') parsed = value === 'true';
    else if (/^"(?:[^"\\]|\\.)*"$/.test(value)) parsed = JSON.parse(value) as string;
    else if (/^'[^']*'$/.test(value)) parsed = value.slice(1, -1);
    if (parsed !== undefined) settings.get(table)!.set(pair[1]!, parsed);
  }
  return settings;
}

export function setting(settings: CodexSettings, table: string[], key: string): string | boolean | undefined {
  return settings.get(tableName(table))?.get(key);
}

export async function readCodexSettings(home: string): Promise<{ file: string; exists: boolean; settings: CodexSettings }> {
  const file = codexConfigFile(home);
  const text = await fs.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  return { file, exists: text !== null, settings: parseCodexSettings(text ?? '') };
}

/**
 * Records `[projects."<dir>"] trust_level = "trusted"`, what Codex itself writes on "Trust and
 * continue": into that table when the file has it already (a table may appear only once), else as
 * a new table at the end. Every other byte of the file is kept.
 */
export async function recordTrust(home: string, dir: string): Promise<string> {
  const file = codexConfigFile(home);
  await fs.mkdir(home, { recursive: true });
  const existing = await fs.readFile(file, 'utf8').catch(() => '');
  const lines = existing.split('\n');
  const header = lines.findIndex((line) => {
    const match = /^\s*\[([^[\]]+)\]\s*(#.*)?$/.exec(line);
    const parts = match ? splitKey(match[1]!) : null;
    return parts !== null && parts.length === 2 && parts[0] === 'projects' && parts[1] === dir;
  });
  let text: string;
  if (header >= 0) {
    lines.splice(header + 1, 0, 'trust_level = "trusted"');
    text = lines.join('\n');
  } else {
    const separator = existing === '' || existing.endsWith('\n\n') ? '' : existing.endsWith('\n') ? '\n' : '\n\n';
    text = `${existing}${separator}[projects.${JSON.stringify(dir)}]\ntrust_level = "trusted"\n`;
  }
  const mode = await fs.stat(file).then((st) => st.mode & 0o777, () => 0o600);
  await writeFileAtomic(file, text, { mode });
  return file;
}
