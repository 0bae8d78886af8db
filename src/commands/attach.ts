import type { Command } from 'commander';
import { execa } from 'execa';
import { WtError } from '../lib/errors.js';
import { openRepo } from '../workspace/repo.js';
import { listAgentStatuses } from '../agents/launcher.js';
import { tmuxSocketArgs } from '../agents/tmux.js';
import { parseInstanceRef } from '../coord/instances/index.js';

export function register(program: Command): void {
  program
    .command('attach')
    .description("attach this terminal to an instance's agent (its tmux session); detach again with Ctrl-b d")
    .argument('<instance>', 'the instance (2 or instance-2)')
    .addHelpText('after', '\nExample:\n  wt-coord attach 2')
    .action(async (ref: string) => {
      const repo = await openRepo();
      const [status] = await listAgentStatuses(repo, [parseInstanceRef(ref)]);
      if (!status?.record) throw new WtError(`${status?.name ?? ref} has no agent started`, 'start one: wt-coord start');
      if (status.record.mode !== 'tmux' || !status.record.session) throw new WtError(`${status.name}'s agent runs as a detached process, not in tmux`, `follow its output instead: wt-coord logs ${status.instance} -f`);
      if (status.state !== 'running') throw new WtError(`${status.name}'s agent is not running (${status.state}${status.exit_code !== null ? `, exit code ${status.exit_code}` : ''})`, `see its output: wt-coord logs ${status.instance}`);
      // tmux needs a terminal to attach; without one it fails with a bare "not a terminal".
      if (!process.env.TMUX && !(process.stdin.isTTY && process.stdout.isTTY)) {
        throw new WtError(`attaching to ${status.name}'s agent needs a terminal, and this is not one`, `run it in an interactive terminal, or follow the output with wt-coord logs ${status.instance} -f`);
      }
      // Inside tmux, attaching would nest sessions: switch the client instead.
      const verb = process.env.TMUX ? ['switch-client', '-t'] : ['attach-session', '-t'];
      await execa('tmux', [...tmuxSocketArgs(), ...verb, `=${status.record.session}`], { stdio: 'inherit' });
    });
}
