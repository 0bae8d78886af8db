// The wt-coord.yaml that `wt-coord init` writes: the shipped template (generated from the schema),
// with its editor hint pointed at this installation's JSON Schema: relative when wt-coord is
// installed inside the project (node_modules/wt-coord/...), so the line works on every clone,
// absolute otherwise (a global install).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT, TEMPLATES_DIR } from '../lib/package-paths.js';
import { CONFIG_FILE } from './schema.js';

export const CONFIG_JSON_SCHEMA = path.join(PACKAGE_ROOT, 'schema', 'wt-coord.schema.json');

const SCHEMA_LINE = /^# yaml-language-server: \$schema=.*$/m;

export async function configTemplateFor(mainWorktree: string): Promise<string> {
  const template = await fs.readFile(path.join(TEMPLATES_DIR, CONFIG_FILE), 'utf8');
  const relative = path.relative(mainWorktree, CONFIG_JSON_SCHEMA);
  const ref = relative.startsWith('..') || path.isAbsolute(relative) ? CONFIG_JSON_SCHEMA : relative;
  return template.replace(SCHEMA_LINE, `# yaml-language-server: $schema=${ref}`);
}
