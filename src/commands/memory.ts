import type { Command } from 'commander';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { recall } from '../coord/memory/index.js';
import { countQueue } from '../coord/memory/index.js';
import { memoryStateDoc } from '../coord/memory/index.js';
import { readDoc } from '../coord/transact.js';
import { ensureInitialized } from '../workspace/init.js';
import { editBankFile } from '../workspace/memory-edit.js';
import { openRepo } from '../workspace/repo.js';
import { note, printJson, printLines } from './output.js';

async function listBank(dir: string, rel = ''): Promise<{ file: string; mode: string; bytes: number }[]> {
  const out: { file: string; mode: string; bytes: number }[] = [];
  for (const entry of await fs.readdir(path.join(dir, rel), { withFileTypes: true }).catch(() => [])) {
    const relPath = rel ? path.join(rel, entry.name) : entry.name;
    if (entry.isDirectory()) out.push(...(await listBank(dir, relPath)));
    else if (entry.isFile()) {
      const stat = await fs.stat(path.join(dir, relPath));
      out.push({ file: relPath, mode: (stat.mode & 0o777).toString(8), bytes: stat.size });
    }
  }
  return out.sort((a, b) => a.file.localeCompare(b.file));
}

export function register(program: Command): void {
  const memory = program.command('memory').description('the shared memory bank: show it, edit a file in it, recall discoveries');

  memory
    .command('show')
    .description('bank files and their modes, merged discoveries per category, the queue')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }) => {
      const repo = await openRepo();
      await ensureInitialized(repo);
      const state = await readDoc(repo.coordDir, memoryStateDoc);
      const perCategory: Record<string, number> = {};
      for (const e of state.entries) perCategory[e.category] = (perCategory[e.category] ?? 0) + 1;
      const dirMode = await fs.stat(repo.memoryBankDir).then((s) => s.mode & 0o777, () => null);
      const report = {
        memory_bank: repo.memoryBankDir,
        read_only: dirMode !== null && (dirMode & 0o222) === 0,
        files: await listBank(repo.memoryBankDir),
        generation: state.generation,
        entries: state.entries.length,
        per_category: perCategory,
        queue: await countQueue(repo.coordDir),
        categories: repo.config.memory_categories,
        auto_merge: repo.config.memory_auto_merge,
      };
      if (options.json) return printJson(report);
      printLines(
        `memory bank ${report.memory_bank} (${report.read_only ? 'read-only: instances exist' : 'writable'})`,
        ...report.files.map((f) => `  ${f.mode}  ${f.file}  ${f.bytes} bytes`),
        `merged: ${report.entries} discoveries (merge ${report.generation})${Object.keys(perCategory).length ? `: ${Object.entries(perCategory).map(([c, n]) => `${c} ${n}`).join(', ')}` : ''}`,
        `queue: ${report.queue.pending} waiting, ${report.queue.corrupt} corrupt kept in memory-queue/corrupt/`,
        `auto-merge: ${report.auto_merge ? 'on' : 'off (run wt-coord merge-memory)'}; categories: ${report.categories.join(', ')}`,
      );
    });

  memory
    .command('edit <file>')
    .description('edit a memory bank file (e.g. projectbrief.md, requirements.md) in $VISUAL or $EDITOR; the bank is read-only again afterwards')
    .addHelpText('after', '\nExamples:\n  wt-coord memory edit projectbrief.md\n  EDITOR="code -w" wt-coord memory edit requirements.md')
    .action(async (file: string) => {
      const repo = await openRepo();
      await ensureInitialized(repo);
      const editor = process.env.VISUAL || process.env.EDITOR || 'vi';
      const result = await editBankFile(repo, file, editor);
      printLines(result.changed ? `${result.created ? 'created' : 'saved'} ${result.file}; instances see it through memory-bank-shared/ (coordinate.sh memory lists it)` : `${result.file} unchanged`);
      if (result.warning) note(`warning: ${result.warning}`);
    });

  memory
    .command('recall <words...>')
    .description('merged (and queued) discoveries that mention the words, best match first')
    .option('--category <name>', 'only this category')
    .option('--json', 'print as JSON')
    .action(async (words: string[], options: { category?: string; json?: boolean }) => {
      const repo = await openRepo();
      const matches = await recall(repo.coordDir, words.join(' '), { category: options.category });
      if (options.json) return printJson(matches);
      printLines(...(matches.length ? matches.map((m) => `[${m.category}] ${m.text.split('\n')[0]}  — ${m.instances.join(', ')}${m.pending ? ' (queued)' : ''}`) : [`nothing mentions "${words.join(' ')}"`]));
    });
}
