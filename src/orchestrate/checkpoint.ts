// Checkpoints (seed 003): a snapshot of the coordination state (every document and record in the
// coordination folder), the shared memory bank and each instance's HEAD, in
// <coordination>/checkpoints/<name>/ with a manifest listing every file and its sha256.
// Restore validates the whole checkpoint first (manifest, hashes, each document against its
// schema), then writes through the store under its lock; a missing or corrupt checkpoint changes nothing.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { InvalidFileError, UsageError, WtError, describeZodError } from '../lib/errors.js';
import { gitMaybe, resolveCommit } from '../lib/git.js';
import { instancesDoc } from '../coord/instances/index.js';
import { writeFileAtomic, isTempFile } from '../lib/atomic.js';
import { parseJsonText, readTextIfExists, toJsonText } from '../lib/json-file.js';
import { STAGING_PREFIX, TRASH_PREFIX } from '../lib/lock.js';
import { BACKUP_DIR, LOCK_FILE, readDoc, transact } from '../coord/transact.js';
import { CHECKPOINTS_DIR, COORDINATION_DOCUMENTS } from '../coord/documents.js';
import { setMemoryBankReadOnly, withWritableMemoryBank } from '../workspace/memory-bank-mode.js';
import type { RepoContext } from '../workspace/repo.js';
import { assertNoAgentRunning } from '../agents/launcher.js';
import { AGENTS_RUNTIME_DIR, agentsDoc } from '../coord/instances/index.js';

const MANIFEST = 'manifest.json';

/** Not state: the lock, backups, logs, checkpoints themselves, and the live agents' pids. */
const EXCLUDED_TOP = new Set([LOCK_FILE, BACKUP_DIR, 'logs', CHECKPOINTS_DIR, AGENTS_RUNTIME_DIR, agentsDoc.file]);

const fileEntrySchema = z.object({ path: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int().min(0) });
export const manifestSchema = z.object({
  version: z.literal(1),
  name: z.string(),
  created_at: z.string(),
  coordination: z.array(fileEntrySchema),
  memory_bank: z.array(fileEntrySchema),
  heads: z.array(z.object({ instance: z.number().int(), name: z.string(), branch: z.string(), worktree: z.string(), commit: z.string().nullable() })),
});
export type CheckpointManifest = z.infer<typeof manifestSchema>;

const isStagingFolder = (name: string) => name.startsWith(STAGING_PREFIX) || name.startsWith(TRASH_PREFIX);

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;

export function validateCheckpointName(name: string): string {
  if (!NAME.test(name) || name.includes('..')) {
    throw new UsageError(`"${name.slice(0, 60)}" is not a valid checkpoint name`, 'use letters, digits, . _ - (at most 80, no "..", no slashes), e.g. before-refactor');
  }
  return name;
}

function defaultName(): string {
  return `checkpoint-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-')}`;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** Relative paths of the regular files under `dir`, skipping temp files (and, at the top, `skipTop`). */
async function listFiles(dir: string, skipTop: Set<string> = new Set(), prefix = ''): Promise<string[]> {
  const entries = await fs.readdir(path.join(dir, prefix), { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const entry of entries) {
    if (!prefix && (skipTop.has(entry.name) || entry.name.endsWith('.lock') || entry.name.endsWith('.breaker'))) continue;
    if (isTempFile(entry.name) || isStagingFolder(entry.name)) continue; // a writer's, not state
    const rel = prefix ? path.join(prefix, entry.name) : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(dir, skipTop, rel)));
    else if (entry.isFile()) out.push(rel);
  }
  return out.sort();
}

export function checkpointDir(repo: RepoContext, name: string): string {
  return path.join(repo.coordDir, CHECKPOINTS_DIR, name);
}

/** Copies `files` (or, for those in `taken`, the text taken under the lock) into `toDir`, with their checksums. */
async function copyInto(fromDir: string, files: string[], toDir: string, taken = new Map<string, Buffer>()) {
  const entries = [];
  for (const rel of files) {
    const data = taken.get(rel) ?? (await fs.readFile(path.join(fromDir, rel)).catch(() => null));
    if (data === null) continue; // removed since it was listed (a temp file renamed, a record merged)
    await fs.mkdir(path.dirname(path.join(toDir, rel)), { recursive: true });
    await fs.writeFile(path.join(toDir, rel), data);
    entries.push({ path: rel, sha256: sha256(data), bytes: data.length });
  }
  return entries;
}

export interface CheckpointResult {
  name: string;
  dir: string;
  manifest: CheckpointManifest;
}

export async function createCheckpoint(repo: RepoContext, requested?: string): Promise<CheckpointResult> {
  const name = validateCheckpointName(requested ?? defaultName());
  const dir = checkpointDir(repo, name);
  if (await fs.stat(dir).then(() => true, () => false)) throw new WtError(`checkpoint ${name} already exists`, 'choose another name, or omit it for a timestamped one');
  await fs.mkdir(repo.coordDir, { recursive: true });
  // Built in a temp folder and renamed into place: a crash never leaves half a checkpoint.
  const staging = path.join(repo.coordDir, CHECKPOINTS_DIR, `.tmp-${name}-${process.pid}`);
  // The lock is held only to read the documents, which change together: the rest (records that are
  // written once, append-only logs, the memory bank) is copied after, without stalling every agent.
  const taken = await transact(repo.coordDir, async () => {
    const texts = new Map<string, Buffer>();
    for (const doc of COORDINATION_DOCUMENTS) {
      const text = await readTextIfExists(path.join(repo.coordDir, doc.file));
      if (text !== null && !EXCLUDED_TOP.has(doc.file)) texts.set(doc.file, Buffer.from(text));
    }
    return texts;
  });
  await fs.rm(staging, { recursive: true, force: true });
  const files = [...new Set([...(await listFiles(repo.coordDir, EXCLUDED_TOP)).filter((rel) => !docFiles().has(rel)), ...taken.keys()])].sort();
  const coordination = await copyInto(repo.coordDir, files, path.join(staging, 'coordination'), taken);
  const memory_bank = await copyInto(repo.memoryBankDir, await listFiles(repo.memoryBankDir), path.join(staging, 'memory-bank'));
  const { instances } = instancesDoc.schema.parse(JSON.parse(taken.get(instancesDoc.file)?.toString('utf8') ?? '{"version":1,"instances":[]}'));
  const heads = await Promise.all(instances.map(async (i) => ({ instance: i.id, name: i.name, branch: i.branch, worktree: i.worktree, commit: await resolveCommit(repo.mainWorktree, `refs/heads/${i.branch}`) })));
  const manifest: CheckpointManifest = { version: 1, name, created_at: new Date().toISOString(), coordination, memory_bank, heads };
  await writeFileAtomic(path.join(staging, MANIFEST), toJsonText(manifest));
  await fs.rename(staging, dir);
  await transact(repo.coordDir, async (tx) => tx.event({ type: 'checkpoint.created', data: { name, files: coordination.length + memory_bank.length } }));
  return { name, dir, manifest };
}

function docFiles(): Set<string> {
  return new Set(COORDINATION_DOCUMENTS.map((d) => d.file));
}

export interface CheckpointSummary {
  name: string;
  created_at: string | null;
  files: number;
  instances: number;
  valid: boolean;
  problem?: string;
}

export async function listCheckpoints(repo: RepoContext): Promise<CheckpointSummary[]> {
  const root = path.join(repo.coordDir, CHECKPOINTS_DIR);
  const names = (await fs.readdir(root, { withFileTypes: true }).catch(() => [])).filter((e) => e.isDirectory() && !e.name.startsWith('.tmp-')).map((e) => e.name);
  const out: CheckpointSummary[] = [];
  for (const name of names.sort()) {
    try {
      const { manifest } = await loadCheckpoint(repo, name);
      out.push({ name, created_at: manifest.created_at, files: manifest.coordination.length + manifest.memory_bank.length, instances: manifest.heads.length, valid: true });
    } catch (error) {
      out.push({ name, created_at: null, files: 0, instances: 0, valid: false, problem: (error as Error).message });
    }
  }
  return out.sort((a, b) => (a.created_at ?? '').localeCompare(b.created_at ?? ''));
}

interface LoadedCheckpoint {
  dir: string;
  manifest: CheckpointManifest;
  coordination: Map<string, Buffer>;
  memoryBank: Map<string, Buffer>;
}

function safeRelative(rel: string, file: string): string {
  const normal = path.normalize(rel);
  if (path.isAbsolute(normal) || normal.startsWith('..')) throw new InvalidFileError(file, `lists a path outside the checkpoint: ${rel}`, 'the checkpoint is corrupt; restore another one (wt-coord checkpoint --list)');
  return normal;
}

/** Reads and verifies a whole checkpoint: a missing file, a wrong hash or a document failing its schema is an error. */
export async function loadCheckpoint(repo: RepoContext, name: string): Promise<LoadedCheckpoint> {
  validateCheckpointName(name);
  const dir = checkpointDir(repo, name);
  const manifestFile = path.join(dir, MANIFEST);
  const text = await readTextIfExists(manifestFile);
  if (text === null) {
    const exists = await fs.stat(dir).then(() => true, () => false);
    throw new WtError(exists ? `checkpoint ${name} has no ${MANIFEST}: it is incomplete or corrupt` : `there is no checkpoint named ${name}`, 'wt-coord checkpoint --list shows the checkpoints');
  }
  const manifest = parseJsonText(manifestFile, text, manifestSchema);
  const hint = 'the checkpoint is corrupt; restore another one (wt-coord checkpoint --list)';
  const readAll = async (entries: CheckpointManifest['coordination'], sub: string) => {
    const files = new Map<string, Buffer>();
    for (const entry of entries) {
      const rel = safeRelative(entry.path, manifestFile);
      const full = path.join(dir, sub, rel);
      const data = await fs.readFile(full).catch(() => null);
      if (data === null) throw new InvalidFileError(manifestFile, `lists ${sub}/${rel}, which is missing`, hint);
      if (sha256(data) !== entry.sha256) throw new InvalidFileError(full, 'its content does not match the checksum in the manifest', hint);
      files.set(rel, data);
    }
    return files;
  };
  const coordination = await readAll(manifest.coordination, 'coordination');
  const memoryBank = await readAll(manifest.memory_bank, 'memory-bank');
  for (const doc of COORDINATION_DOCUMENTS) {
    const data = coordination.get(doc.file);
    if (!data) continue;
    const result = doc.schema.safeParse((() => {
      try {
        return JSON.parse(data.toString('utf8'));
      } catch {
        throw new InvalidFileError(path.join(dir, 'coordination', doc.file), 'not valid JSON', hint);
      }
    })());
    if (!result.success) throw new InvalidFileError(path.join(dir, 'coordination', doc.file), describeZodError(result.error), hint);
  }
  return { dir, manifest, coordination, memoryBank };
}

export interface RestoreResult {
  name: string;
  restored: number;
  removed: string[];
  memory_bank_kept: string[];
  heads: { name: string; branch: string; checkpoint: string | null; now: string | null; moved: boolean }[];
}

/** Puts the coordination state and the memory bank back as they were at `name`. Refuses while agents run. */
export async function restoreCheckpoint(repo: RepoContext, name: string): Promise<RestoreResult> {
  const loaded = await loadCheckpoint(repo, name);
  await assertNoAgentRunning(repo, 'restore a checkpoint');
  const docs = new Map(COORDINATION_DOCUMENTS.filter((d) => !EXCLUDED_TOP.has(d.file)).map((d) => [d.file, d]));
  // Records first, without the lock (no agent runs, and they are not read together with the
  // documents); then the documents, under the lock for as long as replacing them takes.
  const current = await listFiles(repo.coordDir, EXCLUDED_TOP);
  for (const [rel, data] of loaded.coordination) {
    if (docs.has(rel)) continue;
    await fs.mkdir(path.dirname(path.join(repo.coordDir, rel)), { recursive: true });
    await writeFileAtomic(path.join(repo.coordDir, rel), data.toString('utf8'));
  }
  const removed = current.filter((rel) => !loaded.coordination.has(rel) && !docs.has(rel));
  for (const rel of removed) await fs.rm(path.join(repo.coordDir, rel), { force: true });
  const result = await transact(repo.coordDir, async (tx) => {
    // Documents go through the store (validated, backed up, views rewritten).
    for (const [file, doc] of docs) {
      const data = loaded.coordination.get(file);
      if (data) tx.set(doc, parseJsonText(file, data.toString('utf8'), doc.schema));
      else if (current.includes(file)) tx.set(doc, doc.empty());
    }
    tx.event({ type: 'checkpoint.restored', data: { name } });
    return { restored: loaded.coordination.size, removed };
  });
  await fs.mkdir(repo.memoryBankDir, { recursive: true });
  const kept = (await listFiles(repo.memoryBankDir)).filter((rel) => !loaded.memoryBank.has(rel));
  await withWritableMemoryBank(repo.memoryBankDir, async () => {
    for (const [rel, data] of loaded.memoryBank) {
      await fs.mkdir(path.dirname(path.join(repo.memoryBankDir, rel)), { recursive: true });
      const target = path.join(repo.memoryBankDir, rel);
      await fs.chmod(target, 0o644).catch(() => undefined);
      await writeFileAtomic(target, data.toString('utf8'));
    }
  });
  const { instances } = await readDoc(repo.coordDir, instancesDoc);
  if (instances.length > 0) await setMemoryBankReadOnly(repo.memoryBankDir, true);
  const heads = await Promise.all(
    loaded.manifest.heads.map(async (h) => {
      const now = (await gitMaybe(repo.mainWorktree, ['rev-parse', '--verify', '--quiet', `refs/heads/${h.branch}`]))?.trim() || null;
      return { name: h.name, branch: h.branch, checkpoint: h.commit, now, moved: now !== h.commit };
    }),
  );
  return { name, ...result, memory_bank_kept: kept, heads };
}
