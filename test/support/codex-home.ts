// A CODEX_HOME per test, for driving the real Codex CLI (@openai/codex 0.169.0, pinned in
// package.json) against the stand-in model of test/fakes/responses-api.ts.
//
// What 0.169.0 does, found by running it interactively in tmux (private socket, capture-pane):
// - Provider: `model_provider = "<id>"` plus `[model_providers.<id>]` with base_url and
//   wire_api = "responses" sends every turn to <base_url>/responses; no env_key means no API key
//   is asked for, and no login screen appears.
// - Folder trust: the first start in an untrusted folder waits on "Trust this folder?"; trusting
//   writes `[projects."<repository root>"] trust_level = "trusted"`. A git worktree is keyed on
//   its main checkout's root, so trusting the main repository covers every instance.
// - Model notices: a model with a newer successor (e.g. gpt-5.5) waits on "Meet GPT-6 Sol / Try
//   new model / Use existing model"; the answer is recorded as `[notice.model_migrations]
//   "<model>" = "<successor>"`. The stand-in's model ("gpt-test") has no successor: no notice.
// - Background process: `codex` starts `codex app-server --managed-daemon` under
//   CODEX_HOME/packages/ that outlives the TUI; `--no-daemon` keeps it in the TUI's process.
// - Hooks given through `-c hooks.<Event>=[...]` run only when trusted: `-c hooks.state` may carry
//   the trust (src/agents/codex/hooks.ts computes it).
// - There is no --full-auto: --sandbox read-only|workspace-write|danger-full-access and
//   --ask-for-approval on-request|never; --add-dir <dir> adds a writable root.
// The temp folder (/tmp and $TMPDIR) is always writable inside the sandbox, which would hide what
// the sandbox forbids: test repositories live under the repository's .test-tmp/ instead.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { ROOT } from '../helpers.js';

/** The pinned Codex CLI (the npm package's launcher; it runs the native binary it carries). */
export const CODEX_BIN = path.join(ROOT, 'node_modules', '.bin', 'codex');

/** The stand-in's model: a name with no successor, so no model-migration notice. */
export const TEST_MODEL = 'gpt-test';

/** A folder outside the temp folder (see above), removed by the caller. */
export function outsideTmpDir(prefix: string): string {
  const base = path.join(ROOT, '.test-tmp');
  mkdirSync(base, { recursive: true });
  return realpathSync(mkdtempSync(path.join(base, prefix)));
}

export interface CodexHomeOptions {
  /** The stand-in's base URL (ResponsesApi.baseUrl). */
  baseUrl: string;
  /** Folders to record as trusted (repository roots). */
  trusted?: string[];
  /** Where to make the CODEX_HOME folder (default: a new folder outside the temp folder). */
  parent?: string;
}

export interface CodexHome {
  dir: string;
  configFile: string;
  /** Environment for wt-coord and Codex: CODEX_HOME, and a PATH that finds the pinned `codex`. */
  env: Record<string, string>;
  cleanup(): void;
}

const tomlString = (text: string) => JSON.stringify(text);

export function codexConfigToml(options: CodexHomeOptions): string {
  const lines = [
    `model = ${tomlString(TEST_MODEL)}`,
    'model_provider = "wtc-stand-in"',
    '',
    '[model_providers.wtc-stand-in]',
    'name = "wt-coord test stand-in"',
    `base_url = ${tomlString(options.baseUrl)}`,
    'wire_api = "responses"',
    // One attempt: a failing stand-in shows at once instead of after retries.
    'request_max_retries = 0',
    'stream_max_retries = 0',
    '',
  ];
  for (const dir of options.trusted ?? []) lines.push(`[projects.${tomlString(dir)}]`, 'trust_level = "trusted"', '');
  return lines.join('\n');
}

export function makeCodexHome(options: CodexHomeOptions): CodexHome {
  const parent = options.parent ?? outsideTmpDir('codex-home-');
  const dir = path.join(parent, 'codex-home');
  mkdirSync(dir, { recursive: true });
  const configFile = path.join(dir, 'config.toml');
  writeFileSync(configFile, codexConfigToml(options));
  const binDir = path.dirname(CODEX_BIN);
  return {
    dir,
    configFile,
    env: { CODEX_HOME: dir, PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}` },
    cleanup: () => rmSync(parent, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 }), // a Codex still exiting may write into it: retry
  };
}

/** Processes whose command line or environment names `marker` (a CODEX_HOME, a test's folder): leftovers. */
export async function processesOf(marker: string): Promise<string[]> {
  const { stdout } = await execa('ps', ['-eo', 'pid=,args='], { reject: false });
  const found: string[] = [];
  for (const line of stdout.split('\n')) {
    const pid = Number(line.trim().split(/\s+/)[0]);
    if (!pid || pid === process.pid) continue;
    if (line.includes(marker)) {
      found.push(line.trim());
      continue;
    }
    try {
      const { readFileSync } = await import('node:fs');
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
      if (environ.split('\0').some((entry) => entry.includes(marker))) found.push(line.trim());
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}
