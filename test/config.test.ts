// One source for configuration: the zod schema in src/config/schema.ts. The shipped JSON Schema,
// the template `wt-coord init` writes and the table of docs/configuration.md are regenerated here
// and compared with the committed files; the loader, the instances' validated copy (config.json)
// and `--help` are exercised through the real CLI and coordinate.sh.
import { strict as assert } from 'node:assert';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { DOCS_FILE, JSON_SCHEMA_FILE, TEMPLATE_FILE, configJsonSchemaText, configTemplate, docsWithTable } from '../scripts/config-artifacts.js';
import { CONFIG_COPY_FILE, readConfig } from '../src/config/cached.js';
import { configSchema, defaultConfig } from '../src/config/schema.js';
import { ROOT, cli, coordinate, gitRepo, type TempRepo } from './helpers.js';

const committed = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const REGENERATE = 'run `npm run gen:config` and commit what it rewrites';

describe('what is generated from the config schema', () => {
  it('the shipped JSON Schema is the one the zod schema generates', () => {
    assert.equal(committed(JSON_SCHEMA_FILE), configJsonSchemaText(), `${JSON_SCHEMA_FILE} is out of date: ${REGENERATE}`);
    const pkg = JSON.parse(committed('package.json')) as { files: string[] };
    assert.ok(pkg.files.includes(path.dirname(JSON_SCHEMA_FILE)), `package.json "files" must ship ${path.dirname(JSON_SCHEMA_FILE)}/`);
  });

  it('the template is the generated one and starts with the editor hint to the shipped schema', () => {
    const template = committed(TEMPLATE_FILE);
    assert.equal(template, configTemplate(), `${TEMPLATE_FILE} is out of date: ${REGENERATE}`);
    const hint = /^# yaml-language-server: \$schema=(\S+)\n/.exec(template);
    assert.ok(hint, 'the first line must be # yaml-language-server: $schema=<path>');
    assert.equal(path.resolve(ROOT, path.dirname(TEMPLATE_FILE), hint[1]!), path.join(ROOT, JSON_SCHEMA_FILE));
  });

  it('the template, uncommented, sets every option to its default', () => {
    const options = committed(TEMPLATE_FILE).split('\n').filter((l) => /^# [a-z_]+: /.test(l)).map((l) => l.slice(2));
    const values = parseYaml(options.join('\n')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(values), Object.keys(configSchema.shape), 'one commented line per option, in schema order');
    assert.deepEqual(configSchema.parse(values), defaultConfig());
  });

  it("docs/configuration.md's table is the generated one", () => {
    const docs = committed(DOCS_FILE);
    assert.equal(docs, docsWithTable(docs), `${DOCS_FILE}'s table is out of date: ${REGENERATE}`);
    for (const key of Object.keys(configSchema.shape)) assert.match(docs, new RegExp(`\\| \`${key}\` \\|`), `${key} is missing from the table`);
  });

  it('every option has a default and a description (adding one is one entry in the schema)', () => {
    const schema = JSON.parse(configJsonSchemaText()) as { properties: Record<string, { default?: unknown; description?: string }>; additionalProperties: boolean };
    for (const [key, option] of Object.entries(schema.properties)) {
      assert.ok('default' in option, `${key} has no .default()`);
      assert.ok((option.description ?? '').length > 10, `${key} has no .describe()`);
    }
    assert.equal(schema.additionalProperties, false, 'unknown keys are errors, in the editor as in the loader');
  });
});

describe('reading the configuration', () => {
  let repo: TempRepo;
  const coordDir = () => path.join(repo.dir, '.git', 'wt-coord');
  const writeYaml = (text: string) => fs.writeFile(path.join(repo.dir, 'wt-coord.yaml'), text);
  const copyOf = async () => JSON.parse(await fs.readFile(path.join(coordDir(), CONFIG_COPY_FILE), 'utf8')) as { source: string | null; config: Record<string, unknown> };

  before(async () => {
    repo = await gitRepo();
  });
  after(() => repo?.cleanup());

  it('wt-coord init writes the template, its editor hint pointing at the schema of the wt-coord that ran', async () => {
    const run = await cli(repo.dir, ['init']);
    assert.equal(run.exitCode, 0, String(run.stderr));
    const text = await fs.readFile(path.join(repo.dir, 'wt-coord.yaml'), 'utf8');
    const ref = /^# yaml-language-server: \$schema=(\S+)\n/.exec(text)?.[1];
    assert.ok(ref, text.split('\n')[0]);
    const target = path.resolve(repo.dir, ref);
    assert.ok(existsSync(target), `${ref} does not exist`);
    assert.equal(await fs.readFile(target, 'utf8'), committed(JSON_SCHEMA_FILE));
    assert.equal(text.split('\n').slice(1).join('\n'), committed(TEMPLATE_FILE).split('\n').slice(1).join('\n'), 'only the hint line differs from the template');
    assert.deepEqual((await copyOf()).config, defaultConfig(), 'the leader left the validated copy for the instances');
  });

  it('a bad value or an unknown key stops a command with one line naming the file, the field and the fix', async () => {
    for (const [yaml, problem] of [
      ['lease_minutes: -1\n', /wt-coord\.yaml is invalid: lease_minutes: Too small: expected number to be >0 — docs\/configuration\.md/],
      ['leese_minutes: 3\n', /wt-coord\.yaml is invalid: \(root\): Unrecognized key: "leese_minutes"/],
      ['memory_categories: [pattern\n', /wt-coord\.yaml is invalid: not valid YAML/],
    ] as const) {
      await writeYaml(yaml);
      const run = await cli(repo.dir, ['status']);
      assert.equal(run.exitCode, 1, yaml);
      assert.match(String(run.stderr), problem);
      assert.equal(String(run.stderr).trim().split('\n').length, 1, 'one line');
    }
    await fs.rm(path.join(repo.dir, 'wt-coord.yaml'));
  });

  it('an instance reads the validated copy; an edit takes effect at its next call, an invalid edit fails that call and changes nothing', async () => {
    await writeYaml('memory_auto_merge: false\n');
    assert.equal((await cli(repo.dir, ['spawn', '1', '--install', 'none'])).exitCode, 0);
    assert.equal((await copyOf()).source, 'memory_auto_merge: false\n');
    // Any YAML works, not only the forms a line matcher knows: a flow list over several lines, anchors.
    const edited = 'memory_auto_merge: false\nmemory_categories: [\n  pattern,   # the first is the default\n  gotcha,\n]\nlease_minutes: &lease 45\n';
    await writeYaml(edited);
    const remembered = await coordinate(repo, 1, ['update-memory', 'a discovery', '--category', 'gotcha', '--json']);
    assert.equal(remembered.exitCode, 0, String(remembered.stderr));
    assert.equal(JSON.parse(String(remembered.stdout)).category, 'gotcha');
    const copy = await copyOf();
    assert.equal(copy.source, edited, 'the copy was rebuilt from the edited text');
    assert.deepEqual([copy.config.memory_categories, copy.config.lease_minutes], [['pattern', 'gotcha'], 45]);
    await writeYaml('memory_categories: [Bad Name]\n');
    const refused = await coordinate(repo, 1, ['update-memory', 'another discovery', '--category', 'gotcha']);
    assert.notEqual(refused.exitCode, 0);
    assert.match(String(refused.stderr), /^error: \S+wt-coord\.yaml is invalid: memory_categories\.0: lower-case letters/);
    assert.equal((await copyOf()).source, edited, 'an invalid edit leaves the last good copy');
    assert.deepEqual(await fs.readdir(path.join(coordDir(), 'memory-queue', 'new')).then((f) => f.length), 1, 'the refused call queued nothing');
  });

  it('a copy that does not match wt-coord.yaml, or does not validate, is never used', async () => {
    await writeYaml('max_attempts: 7\n');
    await fs.writeFile(path.join(coordDir(), CONFIG_COPY_FILE), JSON.stringify({ version: 1, source: 'max_attempts: 7\n', config: { ...defaultConfig(), max_attempts: 'seven' } }));
    assert.equal((await readConfig(repo.dir, coordDir())).max_attempts, 7);
    assert.equal((await copyOf()).config.max_attempts, 7, 'rewritten from the file');
  });

  it('a copy sealed by the build that wrote it is used as written; edited by hand under its seal, it is validated and rebuilt', async () => {
    const copyFile = path.join(coordDir(), CONFIG_COPY_FILE);
    await writeYaml('max_attempts: 6\n');
    const r = await coordinate(repo, 1, ['request-task']);
    assert.ok(r.exitCode === 0 || r.exitCode === 3, String(r.stderr));
    const sealed = await fs.readFile(copyFile, 'utf8');
    assert.match(sealed, /"max_attempts": 6,[^]*"checksum": "[0-9a-f]{16}:[0-9a-f]{16}"\n\}\n$/, 'the call that rebuilt the copy sealed it (src/lib/seal.ts)');
    await fs.writeFile(copyFile, sealed.replace('"max_attempts": 6', '"max_attempts": "six"'));
    const again = await coordinate(repo, 1, ['status']);
    assert.equal(again.exitCode, 0, String(again.stderr));
    await coordinate(repo, 1, ['request-task']);
    assert.equal((await copyOf()).config.max_attempts, 6, 'the edited copy failed its schema and was rebuilt from wt-coord.yaml');
  });

  it('--help shows the defaults the schema holds', async () => {
    const help = String((await cli(repo.dir, ['spawn', '--help'])).stdout).replace(/\s+/g, ' ');
    assert.match(help, new RegExp(`default: install in wt-coord\\.yaml, else ${defaultConfig().install}`));
    assert.match(help, new RegExp(`at most max_instances \\(default: max_instances in wt-coord\\.yaml, else ${defaultConfig().max_instances}\\)`));
  });
});
