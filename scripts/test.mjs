// Runs the test suite with Node's test runner against the built CLI (npm test builds first).
// --fast skips the files tagged slow (many processes, real installs) for the edit loop;
// any other arguments are test files to run instead of all of them.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const args = process.argv.slice(2);
const fast = args.includes('--fast');
const named = args.filter((a) => !a.startsWith('--'));
const files = named.length
  ? named
  : readdirSync('test')
      .filter((f) => f.endsWith('.test.ts'))
      .filter((f) => !fast || !f.includes('.slow.'))
      .map((f) => `test/${f}`);
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=600000', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
