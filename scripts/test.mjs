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
// WT_COORD_CHECK_RECORDS: every commit, in every process the tests start, checks that the code
// named each task it changed (src/store/store.ts, setRecords), which production trusts.
const env = { ...process.env, WT_COORD_CHECK_RECORDS: '1' };
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=600000', ...files], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
