// `wt-coord pr`: turns an instance's branch into a pull request. It pushes the branch, then, when
// the GitHub CLI is installed and logged in, opens the pull request with a title and body built from
// the tasks done on that branch (or updates the one already open for it: never a duplicate).
// Without gh it prints the compare URL where the user opens it by hand.
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { WtError } from '../lib/errors.js';
import { git, gitMaybe } from '../lib/git.js';
import type { Instance } from '../coord/instances/index.js';
import { parseDiscoveryRecord, queuePaths, type DiscoveryRecord } from '../coord/memory/index.js';
import { recordPullRequest } from '../coord/integration/index.js';
import { listTasks, resultPath } from '../coord/queue/index.js';
import type { RepoContext } from '../workspace/repo.js';

export interface BranchWork {
  instance: string;
  branch: string;
  tasks: { id: string; description: string; result: string | null; discoveries: Pick<DiscoveryRecord, 'category' | 'text' | 'files'>[] }[];
  commits: string[];
}

const MAX_RESULT_LINES = 15;

/** Discoveries already merged into the memory bank and still queued, of the given instance. */
async function discoveriesOf(coordDir: string, instance: string): Promise<DiscoveryRecord[]> {
  const dirs = queuePaths(coordDir);
  const found: DiscoveryRecord[] = [];
  for (const dir of [dirs.merged, dirs.new]) {
    for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
      if (!name.endsWith('.json')) continue;
      const text = await fs.readFile(path.join(dir, name), 'utf8').catch(() => null);
      const parsed = text === null ? null : parseDiscoveryRecord(name, text);
      if (parsed && 'record' in parsed && parsed.record.instance === instance) found.push(parsed.record);
    }
  }
  return found.sort((a, b) => a.time.localeCompare(b.time));
}

/** The result text without the header completeTask writes into results/<id>.md. */
function resultBody(text: string): string {
  return text.replace(/^# .*\n\n(?:- .*\n)*\n?/, '').trim();
}

export async function collectBranchWork(repo: RepoContext, instance: Instance, base: string): Promise<BranchWork> {
  const tasks = (await listTasks(repo.coordDir)).filter((t) => t.status === 'done' && t.claimed_by === instance.name);
  const discoveries = await discoveriesOf(repo.coordDir, instance.name);
  const log = await gitMaybe(repo.mainWorktree, ['log', '--format=%h %s', `${base}..refs/heads/${instance.branch}`]);
  return {
    instance: instance.name,
    branch: instance.branch,
    tasks: await Promise.all(
      tasks.map(async (t) => {
        const file = await fs.readFile(resultPath(repo.coordDir, t.id), 'utf8').catch(() => null);
        return { id: t.id, description: t.description, result: file !== null ? resultBody(file) : t.result, discoveries: discoveries.filter((d) => d.task === t.id) };
      }),
    ),
    commits: (log ?? '').split('\n').filter(Boolean).reverse(),
  };
}

const firstLine = (text: string) => text.trim().split('\n')[0]!.slice(0, 100);

/** Title and markdown body of the pull request for one branch's work. */
export function renderPullRequest(work: BranchWork): { title: string; body: string } {
  const [first, ...rest] = work.tasks;
  const title = !first
    ? `${work.instance}: ${work.commits.length ? work.commits[work.commits.length - 1]!.replace(/^\S+ /, '') : work.branch}`
    : rest.length === 0
      ? `${firstLine(first.description)} (${first.id})`
      : `${firstLine(first.description)} and ${rest.length} more (${work.tasks.map((t) => t.id).join(', ')})`;
  const lines = [`Work of wt-coord ${work.instance} on \`${work.branch}\`: ${work.tasks.length} task(s), ${work.commits.length} commit(s).`, ''];
  if (work.tasks.length) lines.push('## Tasks', '');
  for (const t of work.tasks) {
    lines.push(`### ${t.id}: ${firstLine(t.description)}`, '');
    if (t.description.trim().includes('\n')) lines.push(t.description.trim(), '');
    if (t.result) {
      const resultLines = t.result.trim().split('\n');
      lines.push('**Result**', '', ...resultLines.slice(0, MAX_RESULT_LINES).map((l) => `> ${l}`), ...(resultLines.length > MAX_RESULT_LINES ? ['> …'] : []), '');
    }
    if (t.discoveries.length) {
      lines.push('**Discoveries**', '', ...t.discoveries.map((d) => `- ${d.category}: ${firstLine(d.text)}${d.files.length ? ` (${d.files.join(', ')})` : ''}`), '');
    }
  }
  if (work.commits.length) lines.push('## Commits', '', ...work.commits.map((c) => `- ${c}`), '');
  lines.push(`<!-- opened by wt-coord pr for ${work.instance} -->`);
  return { title, body: lines.join('\n') };
}

/** The web page that offers to open a pull request from `branch` into `base`, when the remote is on GitHub. */
export function compareUrl(remoteUrl: string, base: string, branch: string): string | null {
  const m = /^(?:https?:\/\/(?:[^@/]+@)?|ssh:\/\/(?:[^@/]+@)?|[^@/]+@)([^/:]*github[^/:]*)(?::\d+)?[:/]([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(remoteUrl.trim());
  if (!m) return null;
  const ref = (name: string) => name.split('/').map(encodeURIComponent).join('/');
  return `https://${m[1]}/${m[2]}/${m[3]}/compare/${ref(base)}...${ref(branch)}?expand=1`;
}

export interface PrOptions {
  base: string;
  remote?: string;
  draft?: boolean;
}

export interface PrResult {
  instance: string;
  branch: string;
  action: 'created' | 'updated' | 'pushed';
  url: string | null;
  title: string;
}

const ghEnv = { GH_PROMPT_DISABLED: '1', GH_NO_UPDATE_NOTIFIER: '1', NO_COLOR: '1' };

function runGh(cwd: string, args: string[]) {
  return execa('gh', args, { cwd, reject: false, env: ghEnv });
}

/** gh on PATH and logged in; otherwise why not (printed, since the user may expect a PR). */
export async function githubCli(cwd: string): Promise<{ usable: true } | { usable: false; why: string }> {
  const version = await runGh(cwd, ['--version']).catch(() => null);
  if (!version || version.exitCode !== 0) return { usable: false, why: 'the GitHub CLI (gh) is not installed' };
  const auth = await runGh(cwd, ['auth', 'status']);
  if (auth.exitCode !== 0) return { usable: false, why: 'gh is not logged in (gh auth login)' };
  return { usable: true };
}

function ghFailure(args: string[], result: { stderr: string; stdout: string; exitCode?: number }): WtError {
  const said = (result.stderr || result.stdout).trim().split('\n')[0] ?? `exit ${result.exitCode}`;
  return new WtError(`gh ${args.slice(0, 2).join(' ')} failed: ${said}`, 'check `gh auth status` and that the remote is a GitHub repository; the branch was pushed');
}

async function openOrUpdate(repo: RepoContext, work: BranchWork, options: PrOptions): Promise<PrResult> {
  const { title, body } = renderPullRequest(work);
  const bodyDir = await fs.mkdtemp(path.join(tmpdir(), 'wt-coord-pr-'));
  const bodyFile = path.join(bodyDir, 'body.md');
  await fs.writeFile(bodyFile, body);
  try {
    const listArgs = ['pr', 'list', '--head', work.branch, '--state', 'open', '--json', 'number,url'];
    const list = await runGh(repo.mainWorktree, listArgs);
    if (list.exitCode !== 0) throw ghFailure(listArgs, list);
    let open: { number: number; url: string }[];
    try {
      open = JSON.parse(list.stdout) as { number: number; url: string }[];
    } catch {
      throw new WtError(`gh pr list printed something that is not JSON: ${list.stdout.slice(0, 80)}`, 'check that gh is the GitHub CLI (gh --version)');
    }
    const existing = open[0];
    const args = existing
      ? ['pr', 'edit', String(existing.number), '--title', title, '--body-file', bodyFile, '--base', options.base]
      : ['pr', 'create', '--head', work.branch, '--base', options.base, '--title', title, '--body-file', bodyFile, ...(options.draft ? ['--draft'] : [])];
    const done = await runGh(repo.mainWorktree, args);
    if (done.exitCode !== 0) throw ghFailure(args, done);
    const url = /https?:\/\/\S+/.exec(done.stdout)?.[0] ?? existing?.url ?? null;
    const number = existing?.number ?? Number(/\/pull\/(\d+)/.exec(url ?? '')?.[1] ?? NaN);
    if (url) await recordPullRequest(repo.coordDir, work.instance, { branch: work.branch, base: options.base, url, number: Number.isInteger(number) ? number : null, draft: !!options.draft, updated_at: new Date().toISOString() });
    return { instance: work.instance, branch: work.branch, action: existing ? 'updated' : 'created', url, title };
  } finally {
    await fs.rm(bodyDir, { recursive: true, force: true });
  }
}

/** Pushes each instance's branch, then opens or updates its pull request (or prints the compare URL). */
export async function pullRequests(repo: RepoContext, instances: Instance[], options: PrOptions, onStep: (line: string) => void = () => undefined): Promise<PrResult[]> {
  const remote = options.remote ?? 'origin';
  const remoteUrl = (await gitMaybe(repo.mainWorktree, ['remote', 'get-url', remote]))?.trim();
  if (!remoteUrl) throw new WtError(`there is no remote "${remote}"`, `add one (git remote add ${remote} <url>) or pass --remote <name>`);
  if (!(await gitMaybe(repo.mainWorktree, ['rev-parse', '--verify', '--quiet', `${options.base}^{commit}`]))) {
    throw new WtError(`the base ${options.base} is not a branch or commit here`, 'pass --base <branch> (the branch the pull requests go into)');
  }
  const gh = await githubCli(repo.mainWorktree);
  if (!gh.usable) onStep(`${gh.why}: pushing only; open the pull requests from the URLs below`);
  const results: PrResult[] = [];
  for (const instance of instances) {
    const work = await collectBranchWork(repo, instance, options.base);
    if (work.commits.length === 0) {
      onStep(`${instance.name}: no commits beyond ${options.base} on ${instance.branch}, so no pull request`);
      continue;
    }
    onStep(`pushing ${instance.branch} (${instance.name}) to ${remote}`);
    await git(repo.mainWorktree, ['push', '--quiet', remote, `refs/heads/${instance.branch}:refs/heads/${instance.branch}`], `fetch and rebase ${instance.branch} on what ${remote} has, or push it by hand`);
    if (gh.usable) results.push(await openOrUpdate(repo, work, options));
    else results.push({ instance: instance.name, branch: instance.branch, action: 'pushed', url: compareUrl(remoteUrl, options.base, instance.branch), title: renderPullRequest(work).title });
  }
  return results;
}
