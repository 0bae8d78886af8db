// The scripted model as a process of its own (for the bench, and for trying Claude Code by hand):
//   node --import tsx test/fakes/serve.ts [requests.jsonl]
// prints its URL on the first line of stdout and records every request to the file, if given.
import { appendFileSync } from 'node:fs';
import { startFakeAnthropicApi, workerScript } from './anthropic-api.js';

const log = process.argv[2];
const api = await startFakeAnthropicApi({ script: workerScript(), onRequest: log ? (r) => appendFileSync(log, `${JSON.stringify(r)}\n`) : undefined });
process.stdout.write(`${api.url}\n`);
process.on('SIGTERM', () => void api.close().then(() => process.exit(0)));
