// Reads a task list for `wt-coord task import`: JSON or YAML in the seed's format
// ({ "tasks": [ { id, description, priority, dependencies, context: { files, hints } } ] }, or a
// bare list). Syntax errors name the line; schema errors name the field and its line.
// Leader side only: this module loads the yaml package.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument, isNode } from 'yaml';
import { z } from 'zod';
import { UsageError, WtError } from '../../lib/errors.js';
import type { TaskInput } from './task-intake.js';

const MAX_FILE_BYTES = 20 * 1024 * 1024;

const idSchema = z.union([z.string(), z.number()]).transform(String);

const importedTaskSchema = z
  .object({
    id: idSchema.optional(),
    description: z.string(),
    status: z.literal('available', { message: 'imported tasks start available (leave status out)' }).optional(),
    claimed_by: z.null({ message: 'imported tasks start unclaimed (leave claimed_by out)' }).optional(),
    priority: z.number().int().optional(),
    dependencies: z.array(idSchema).optional(),
    context: z.object({ files: z.array(z.string()).optional(), hints: z.string().optional() }).strict().optional(),
  })
  .strict();

const importFileSchema = z.union([z.object({ tasks: z.array(importedTaskSchema) }).strict(), z.array(importedTaskSchema)]);

function lineOfOffset(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/** The line where the value at `fieldPath` starts, found by re-reading the text as YAML (JSON is YAML). */
function lineOfField(text: string, fieldPath: PropertyKey[]): number | null {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  for (let depth = fieldPath.length; depth >= 0; depth--) {
    const node = doc.getIn(fieldPath.slice(0, depth) as (string | number)[], true);
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return null;
}

function parseText(file: string, text: string): unknown {
  const name = path.basename(file);
  if (/\.ya?ml$/i.test(file)) {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, prettyErrors: false });
    const error = doc.errors[0];
    if (error) {
      const line = lineCounter.linePos(error.pos[0]).line;
      throw new UsageError(`${name} line ${line}: not valid YAML (${error.message.split('\n')[0]})`, 'fix the YAML syntax on that line');
    }
    return doc.toJS();
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    const line = position ? lineOfOffset(text, Number(position[1])) : /line (\d+)/.exec(message)?.[1];
    throw new UsageError(`${name}${line ? ` line ${line}` : ''}: not valid JSON (${message.split('\n')[0]})`, 'fix the JSON syntax; a task list is { "tasks": [ { "description": "..." } ] }');
  }
}

export async function readTaskFile(file: string): Promise<TaskInput[]> {
  if (!/\.(json|ya?ml)$/i.test(file)) throw new UsageError(`${file}: a task list is a .json, .yaml or .yml file`, 'rename it, e.g. tasks.json');
  const stat = await fs.stat(file).catch(() => null);
  if (!stat?.isFile()) throw new WtError(`${file} does not exist`, 'name the task list to import, e.g. wt-coord task import tasks.json');
  if (stat.size > MAX_FILE_BYTES) throw new UsageError(`${file} is ${stat.size} bytes, over the limit of ${MAX_FILE_BYTES}`, 'split it');
  const text = await fs.readFile(file, 'utf8');
  const raw = parseText(file, text);
  const result = importFileSchema.safeParse(raw);
  if (!result.success) {
    // The union's issues are less helpful than the object branch's: report against that one.
    const direct = Array.isArray(raw) ? z.array(importedTaskSchema).safeParse(raw) : z.object({ tasks: z.array(importedTaskSchema) }).strict().safeParse(raw);
    const issue = (direct.success ? result.error : direct.error).issues[0]!;
    const fieldPath = issue.path as PropertyKey[];
    const line = lineOfField(text, fieldPath);
    const field = fieldPath.length ? fieldPath.join('.') : '(top level)';
    throw new UsageError(`${path.basename(file)}${line ? ` line ${line}` : ''}: ${field}: ${issue.message}`, 'a task list is { "tasks": [ { "description": "...", "priority": 1, "dependencies": ["task-001"], "context": { "files": [], "hints": "" } } ] }');
  }
  const tasks = Array.isArray(result.data) ? result.data : result.data.tasks;
  return tasks.map((t) => ({ id: t.id, description: t.description, priority: t.priority, dependencies: t.dependencies, files: t.context?.files, hints: t.context?.hints }));
}
