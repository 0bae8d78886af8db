// The written reference stays complete and navigable: every coordinate.sh verb and every wt-coord
// command has its row in docs/, and every relative link of the README, ARCHITECTURE.md,
// CONTRIBUTING.md and docs/*.md points at a file (and heading) that exists.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { verbs } from '../src/instance/verbs.js';
import { cli } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const pages = ['README.md', 'ARCHITECTURE.md', 'CONTRIBUTING.md', ...readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\- _]/gu, '').replace(/ /g, '-');
}

function anchorsOf(text: string): Set<string> {
  const withoutCode = text.replace(/^```[\s\S]*?^```/gm, '');
  return new Set([...withoutCode.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!)));
}

/** Commands listed by a --help text (the "Commands:" section), without commander's own `help`. */
function commandsIn(help: string): string[] {
  const section = (help.split(/^Commands:$/m)[1] ?? '').split(/\n\s*\n/)[0]!;
  return [...section.matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1]!).filter((name) => name !== 'help');
}

describe('reference completeness', () => {
  test('docs/coordinate-sh.md lists every coordinate.sh verb with its usage', () => {
    const page = read('docs/coordinate-sh.md');
    for (const [name, spec] of Object.entries(verbs)) {
      assert.ok(page.includes(`| \`${spec.usage.replace(/\|/g, '\\|')}\` |`), `docs/coordinate-sh.md has no row for the verb ${name} (usage: ${spec.usage})`);
    }
  });

  test('docs/commands.md lists every wt-coord command and subcommand', async () => {
    const page = read('docs/commands.md');
    const top = commandsIn(String((await cli(ROOT, ['--help'])).stdout));
    assert.ok(top.length >= 20, `wt-coord --help lists only ${top.join(', ')}`);
    for (const name of top) {
      assert.ok(page.includes(`\`wt-coord ${name}`), `docs/commands.md does not document wt-coord ${name}`);
      const subs = commandsIn(String((await cli(ROOT, [name, '--help'])).stdout));
      for (const sub of subs) assert.match(page, new RegExp(`\`(wt-coord )?${name} ${sub}\\b`), `docs/commands.md does not document wt-coord ${name} ${sub}`);
    }
  });
});

describe('links', () => {
  test('every relative link points at a file that exists, and at a heading it has', () => {
    const problems: string[] = [];
    for (const page of pages) {
      const text = read(page).replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target!)) continue; // https:, mailto:
        const [file, anchor] = target!.split('#') as [string, string | undefined];
        const resolved = file ? path.normalize(path.join(path.dirname(page), file)) : page;
        if (!existsSync(path.join(ROOT, resolved))) {
          problems.push(`${page}: link to ${target}: ${resolved} does not exist`);
          continue;
        }
        if (anchor && resolved.endsWith('.md') && !anchorsOf(read(resolved)).has(anchor)) problems.push(`${page}: link to ${target}: ${resolved} has no heading #${anchor}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  test('the README names every page of docs/', () => {
    const readme = read('README.md');
    const missing = pages.filter((p) => p.startsWith('docs/') && !readme.includes(`(${p})`));
    assert.deepEqual(missing, [], 'link each page of docs/ from the README\'s contents');
  });
});
