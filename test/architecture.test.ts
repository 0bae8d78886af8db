// The architecture as written (ARCHITECTURE.md) holds in the code: layers enforced by the linter,
// domain folders, no registration by side effect, one version string, docs that name real paths.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ESLint } from 'eslint';
import { cli } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

async function lintAs(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT });
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result!.messages.map((m) => m.message);
}

describe('layers', () => {
  test('an import of the store from a command fails the lint', async () => {
    const messages = await lintAs('src/commands/probe.ts', "import { transact } from '../store/store.js';\nexport const t = transact;\n");
    assert.equal(messages.length, 1);
    assert.match(messages[0]!, /must not import the store/);
  });

  test('an upward import fails the lint; the same import downward passes', async () => {
    assert.match((await lintAs('src/workspace/probe.ts', "import { startAgents } from '../agents/launcher.js';\nexport const s = startAgents;\n"))[0] ?? '', /workspace .* must not import agents/);
    assert.match((await lintAs('src/coord/queue/probe.ts', "import { openRepo } from '../../workspace/repo.js';\nexport const o = openRepo;\n"))[0] ?? '', /coord .* must not import workspace/);
    assert.deepEqual(await lintAs('src/agents/probe.ts', "import { openRepo } from '../workspace/repo.js';\nexport const o = openRepo;\n"), []);
  });

  test("a domain's private file is imported from above only through its index.ts", async () => {
    assert.match((await lintAs('src/workspace/probe.ts', "import { tasksDoc } from '../coord/queue/tasks.js';\nexport const t = tasksDoc;\n"))[0] ?? '', /private file of coord\/queue/);
    assert.deepEqual(await lintAs('src/workspace/probe.ts', "import { tasksDoc } from '../coord/queue/index.js';\nexport const t = tasksDoc;\n"), []);
  });

  test('src/coord is split by domain: at least 4 subfolders with an index.ts each, at most 6 loose files', () => {
    const entries = readdirSync(path.join(ROOT, 'src/coord'), { withFileTypes: true });
    const folders = entries.filter((e) => e.isDirectory()).map((e) => e.name);
    const loose = entries.filter((e) => e.isFile()).map((e) => e.name);
    assert.ok(folders.length >= 4, `domain folders: ${folders.join(', ')}`);
    assert.ok(loose.length <= 6, `loose files: ${loose.join(', ')}`);
    for (const folder of folders) assert.ok(existsSync(path.join(ROOT, 'src/coord', folder, 'index.ts')), `src/coord/${folder} has no index.ts`);
  });
});

describe('explicit wiring', () => {
  test('nothing registers itself by side effect: no registerViewWriter, no bare side-effect imports of our modules', () => {
    for (const file of sourceFiles(path.join(ROOT, 'src'))) {
      const text = readFileSync(file, 'utf8');
      assert.doesNotMatch(text, /registerViewWriter|registerStatusSection|onInstanceRemoval/, file);
      assert.doesNotMatch(text, /^import '\.{1,2}\//m, `${file} imports one of our modules for its side effect`);
    }
  });
});

describe('one version', () => {
  test("wt-coord --version prints package.json's version, and no file of src writes it", async () => {
    const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const r = await cli(ROOT, ['--version']);
    assert.equal(String(r.stdout).trim(), version);
    const literal = new RegExp(`['"\`]${version.replace(/\./g, '\\.')}['"\`]`);
    for (const file of sourceFiles(path.join(ROOT, 'src'))) assert.doesNotMatch(readFileSync(file, 'utf8'), literal, file);
  });
});

describe('written architecture', () => {
  const docs = ['ARCHITECTURE.md', 'CONTRIBUTING.md', ...(existsSync(path.join(ROOT, 'docs')) ? readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`) : [])];
  test('ARCHITECTURE.md and CONTRIBUTING.md exist and are substantial', () => {
    for (const file of ['ARCHITECTURE.md', 'CONTRIBUTING.md']) {
      assert.ok(existsSync(path.join(ROOT, file)), `${file} is missing`);
      assert.ok(readFileSync(path.join(ROOT, file), 'utf8').length > 3_000, `${file} is too short to guide a newcomer`);
    }
  });
  test('every src/ path the docs name exists', () => {
    for (const doc of docs.filter((d) => existsSync(path.join(ROOT, d)))) {
      const text = readFileSync(path.join(ROOT, doc), 'utf8');
      for (const [named] of text.matchAll(/\bsrc\/[\w./-]*[\w/]/g)) {
        const clean = named.replace(/[.]$/, '').replace(/\*.*$/, '');
        assert.ok(existsSync(path.join(ROOT, clean)), `${doc} names ${named}, which does not exist`);
      }
    }
  });
});
