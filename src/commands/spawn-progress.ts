// Live progress of `wt-coord spawn` on a terminal: one line per instance with its current step and
// time, redrawn in place. Off a terminal (pipes, CI, --json) spawn prints only its result.
import { SPAWN_STEPS, type SpawnEvent } from '../workspace/spawn.js';

interface Row {
  name: string;
  step: string;
  index: number;
  startedAt: number;
  endedAt: number | null;
  failed: boolean;
}

export interface ProgressDisplay {
  onEvent: (event: SpawnEvent) => void;
  stop: () => void;
}

export function createSpawnProgress(stream: NodeJS.WriteStream): ProgressDisplay {
  const rows = new Map<string, Row>();
  let drawn = 0;
  let timer: NodeJS.Timeout | null = null;
  const total = SPAWN_STEPS.length;

  const line = (row: Row) => {
    const seconds = (((row.endedAt ?? Date.now()) - row.startedAt) / 1000).toFixed(1);
    const state = row.failed ? `failed at ${row.step}` : row.endedAt ? 'ready' : `${row.step}…`;
    return `  ${row.name.padEnd(14)} [${Math.min(row.index, total)}/${total}] ${state.padEnd(22)} ${seconds.padStart(6)}s`;
  };

  const draw = () => {
    // Move up over what was drawn last time and rewrite it: the rows stay in place.
    let text = drawn > 0 ? `\x1b[${drawn}A` : '';
    for (const row of rows.values()) text += `\x1b[2K${line(row)}\n`;
    drawn = rows.size;
    stream.write(text);
  };

  return {
    onEvent(event) {
      const now = Date.now();
      if (event.kind === 'plan') {
        stream.write(`spawning ${event.instances.join(', ')}; dependencies: ${event.dependencies.strategy} (${event.dependencies.reason})\n`);
        for (const name of event.instances) rows.set(name, { name, step: 'waiting', index: 0, startedAt: now, endedAt: null, failed: false });
        timer = setInterval(draw, 200);
        timer.unref();
      } else {
        const row = rows.get(event.instance);
        if (!row) return;
        if (event.kind === 'step') Object.assign(row, { step: event.step, index: SPAWN_STEPS.indexOf(event.step) + 1 });
        else if (event.kind === 'done') Object.assign(row, { index: total, endedAt: now });
        else Object.assign(row, { failed: true, endedAt: now, step: event.step ?? row.step });
      }
      if (rows.size > 0) draw();
    },
    stop() {
      if (timer) clearInterval(timer);
      if (rows.size > 0) draw();
    },
  };
}
