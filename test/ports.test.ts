// Per-instance ports: every instance gets its own free port, stable for its name, skipping ports
// another instance holds or something on this machine listens on; it reaches the setup commands,
// the agent (started for real in tmux) and coordinate.sh as WT_COORD_PORT, with WT_COORD_INSTANCE
// and WT_COORD_INSTANCE_DIR.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { preferredPort, isPortFree } from '../src/workspace/ports.js';
import { gitRepo, instanceDir, type TempRepo } from './helpers.js';
import { killTmuxServer, useOwnTmuxServer, wtc } from './orchestrate-fixtures.js';

// Setup approvals (setup-approval.ts) go to a config folder of this test run, not the person's.
process.env.XDG_CONFIG_HOME = (await import('node:fs')).mkdtempSync(path.join((await import('node:os')).tmpdir(), 'wtc-config-'));

const socket = useOwnTmuxServer('ports');
after(() => killTmuxServer(socket));

const BASE = 20400;
const RANGE = 50;

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1' }, () => resolve(server));
  });
}

describe('per-instance ports', () => {
  let repo: TempRepo;
  let blocker: Server;
  // Something else already listens on instance-2's preferred port.
  const blockedPort = preferredPort('instance-2', { base: BASE, range: RANGE });
  before(async () => {
    repo = await gitRepo();
    writeFileSync(path.join(repo.dir, 'wt-coord.yaml'), [`port_base: ${BASE}`, `port_range: ${RANGE}`, 'setup:', '  - echo "$WT_COORD_PORT $WT_COORD_INSTANCE $WT_COORD_INSTANCE_DIR" > .setup-env', ''].join('\n'));
    blocker = await listen(blockedPort);
  });
  after(() => {
    blocker.close();
    repo.cleanup();
  });

  const setupEnv = (k: number) => readFileSync(path.join(instanceDir(repo, k), '.setup-env'), 'utf8').trim().split(' ');
  const registry = () => JSON.parse(readFileSync(path.join(repo.dir, '.git', 'wt-coord', 'instances.json'), 'utf8')).instances as { name: string; port: number }[];

  test('three instances: distinct ports in the range, free, the busy one skipped; setup commands see them', async () => {
    const r = await wtc(repo.dir, ['spawn', '3', '--install', 'none', '--yes']);
    assert.equal(r.exitCode, 0, r.stderr);
    const ports = [1, 2, 3].map((k) => Number(setupEnv(k)[0]));
    assert.equal(new Set(ports).size, 3, `ports repeat: ${ports}`);
    for (const p of ports) assert.ok(p >= BASE && p < BASE + RANGE, `${p} is outside the range`);
    assert.notEqual(ports[1], blockedPort, 'instance-2 got a port something listens on');
    assert.equal(ports[0], preferredPort('instance-1', { base: BASE, range: RANGE }), 'a free preferred port is the one taken: stable for the name');
    for (const p of ports) assert.ok(await isPortFree(p), `port ${p} is not free`);
    assert.deepEqual([1, 2, 3].map((k) => setupEnv(k).slice(1)), [1, 2, 3].map((k) => [String(k), instanceDir(repo, k)]));
    assert.deepEqual(registry().map((i) => i.port), ports);
  });

  test('coordinate.sh exports the same port and identity', async () => {
    const script = readFileSync(path.join(instanceDir(repo, 2), '.claude-instance', 'coordinate.sh'), 'utf8');
    assert.match(script, new RegExp(`^export WT_COORD_INSTANCE=2 WT_COORD_INSTANCE_NAME='instance-2' WT_COORD_INSTANCE_DIR='${instanceDir(repo, 2)}' WT_COORD_PORT=${setupEnv(2)[0]}$`, 'm'));
  });

  test('the agent, started in tmux, sees its own port', async () => {
    const agent = path.join(repo.parent, 'port-agent.sh');
    writeFileSync(agent, '#!/usr/bin/env bash\necho "$WT_COORD_PORT $WT_COORD_INSTANCE_DIR" > "$WT_COORD_INSTANCE_DIR/.agent-env"\nsleep 30\n', { mode: 0o755 });
    try {
      const r = await wtc(repo.dir, ['start', '--agent', agent]);
      assert.equal(r.exitCode, 0, r.stderr);
      for (const k of [1, 2, 3]) {
        const file = path.join(instanceDir(repo, k), '.agent-env');
        const written = () => existsSync(file) && readFileSync(file, 'utf8').endsWith('\n');
        for (let i = 0; i < 3000 && !written(); i++) await new Promise((res) => setTimeout(res, 20));
        assert.deepEqual(readFileSync(file, 'utf8').trim().split(' '), [setupEnv(k)[0], instanceDir(repo, k)]);
      }
    } finally {
      await wtc(repo.dir, ['stop']);
    }
  });

  test('a port_range that runs past 65535 is refused before anything is made', async () => {
    writeFileSync(path.join(repo.dir, 'wt-coord.yaml'), 'port_base: 65530\nport_range: 10\n');
    const r = await wtc(repo.dir, ['spawn', '1', '--install', 'none', '--yes']);
    assert.equal(r.exitCode, 1);
    assert.match(r.stderr, /^error: port_base 65530 \+ port_range 10 goes past 65535 — /);
    assert.equal(registry().length, 3);
  });
});
