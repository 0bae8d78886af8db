// A port per instance, so dev servers of parallel instances never fight over one. The port is a
// hash of the instance's name inside the configured range (the same name gets the same port across
// teardown and respawn, so bookmarks and .env files keep working); if another instance holds it or
// something on this machine listens there, the next free port in the range is taken.
import { createServer } from 'node:net';
import { WtError } from '../lib/errors.js';

export interface PortRange {
  base: number;
  range: number;
}

/** FNV-1a: a stable, well-spread hash of the name (not crypto; it only picks a slot). */
function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(name, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The port an instance of this name gets when nothing else holds it. */
export function preferredPort(name: string, { base, range }: PortRange): number {
  return base + (hashName(name) % range);
}

/** Whether nothing listens on 127.0.0.1:port (a server on 0.0.0.0 counts: binding then fails too). */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * The instance's port: its preferred one, else the next in the range that no other instance holds
 * (`taken`) and nothing listens on.
 */
export async function assignPort(name: string, ports: PortRange, taken: ReadonlySet<number>): Promise<number> {
  const first = preferredPort(name, ports) - ports.base;
  for (let k = 0; k < ports.range; k++) {
    const port = ports.base + ((first + k) % ports.range);
    if (!taken.has(port) && (await isPortFree(port))) return port;
  }
  throw new WtError(`no free port for ${name} in ${ports.base}-${ports.base + ports.range - 1}`, 'widen ports.range or move ports.base in wt-coord.yaml, or stop what listens there');
}

/** The variables every process of an instance sees: setup commands, the agent, coordinate.sh. */
export function instanceEnvironment(instance: { id: number; name: string; worktree: string; port: number | null }): Record<string, string> {
  const env: Record<string, string> = { WT_COORD_INSTANCE: String(instance.id), WT_COORD_INSTANCE_NAME: instance.name, WT_COORD_INSTANCE_DIR: instance.worktree };
  if (instance.port !== null) env.WT_COORD_PORT = String(instance.port);
  return env;
}
