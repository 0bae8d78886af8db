// A private HOME for one test that runs the real Claude Code binary: `.claude.json` says what a
// person would have answered on Claude Code's first screens. Keys found by running Claude Code
// 2.1.332 interactively in tmux and reading what it wrote after each answer:
//   hasCompletedOnboarding + lastOnboardingVersion   the first-run theme/login screens are done
//   customApiKeyResponses.approved: [last 20 chars]  "Detected a custom API key ... use this API key?" answered Yes
//   projects[<main checkout>].hasTrustDialogAccepted "Quick safety check: Is this a project you ... trust?"
//                                                    answered Yes; a worktree of that checkout (or any
//                                                    folder under a trusted one) is not asked again
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../helpers.js';

export const CLAUDE_VERSION = '2.1.332';
/** The pinned native binary (see package.json devDependencies). */
export const CLAUDE_BIN = path.join(ROOT, 'node_modules', '@anthropic-ai', 'claude-code-linux-x64', 'claude');
/** A fake key in the real format; its value must never show in `ps`. */
export const FAKE_API_KEY = 'sk-ant-api03-wtcoordTEST0123456789abcdefghijklmnopQRSTUV-fakekeyAA';

export interface ClaudeHomeOptions {
  /** Folders whose trust dialog counts as answered Yes (the main checkout). */
  trusted?: string[];
  /** The API key whose "use this key?" question counts as answered Yes. */
  approvedKey?: string | null;
  onboarded?: boolean;
}

export interface ClaudeHome {
  home: string;
  /** The environment a test gives wt-coord (and so the agents) to reach the fake API from this HOME. */
  env(apiUrl: string): Record<string, string>;
  cleanup(): void;
}

export function claudeConfig(options: ClaudeHomeOptions = {}): Record<string, unknown> {
  const key = options.approvedKey === undefined ? FAKE_API_KEY : options.approvedKey;
  const config: Record<string, unknown> = {
    numStartups: 1,
    customApiKeyResponses: { approved: key ? [key.slice(-20)] : [], rejected: [] },
    projects: Object.fromEntries((options.trusted ?? []).map((dir) => [dir, { hasTrustDialogAccepted: true, allowedTools: [] }])),
  };
  if (options.onboarded !== false) Object.assign(config, { hasCompletedOnboarding: true, lastOnboardingVersion: CLAUDE_VERSION });
  return config;
}

export function makeClaudeHome(options: ClaudeHomeOptions = {}): ClaudeHome {
  const home = realpathSync(mkdtempSync(path.join(tmpdir(), 'wtc-home-')));
  mkdirSync(path.join(home, '.claude'), { recursive: true });
  writeFileSync(path.join(home, '.claude.json'), `${JSON.stringify(claudeConfig(options), null, 2)}\n`);
  return {
    home,
    env: (apiUrl) => ({
      HOME: home,
      ANTHROPIC_BASE_URL: apiUrl,
      ANTHROPIC_API_KEY: options.approvedKey ?? FAKE_API_KEY,
      // Nothing but 127.0.0.1: no update checks, telemetry or error reports.
      DISABLE_AUTOUPDATER: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_TELEMETRY: '1',
      // One retry is enough against a local fake; a test of rate limits should not wait minutes.
      CLAUDE_CODE_MAX_RETRIES: '1',
    }),
    cleanup: () => {
      // A Claude Code (or a child of one) that outlived `wt-coord stop` keeps writing into its HOME,
      // and the removal fails with ENOTEMPTY (seen in CI): end those first, then remove with retries.
      killProcessesWithHome(home);
      rmSync(home, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    },
  };
}

/** SIGKILLs every process whose environment has HOME=`home`, and waits (up to 5 s) until they are gone. */
function killProcessesWithHome(home: string): void {
  const holders = (): number[] =>
    readdirSync('/proc').flatMap((entry) => {
      const pid = Number(entry);
      if (!Number.isInteger(pid) || pid === process.pid) return [];
      try {
        return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`HOME=${home}`) ? [pid] : [];
      } catch {
        return []; // gone, or not ours to read
      }
    });
  const deadline = Date.now() + 5_000;
  for (let pids = holders(); pids.length > 0 && Date.now() < deadline; pids = holders()) {
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
}
