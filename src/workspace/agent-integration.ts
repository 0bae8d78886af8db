// Plugs the agent launcher into teardown: an instance that is torn down has its running agent
// stopped, so no agent keeps working (and writing) in a folder that is being deleted.
import { listAgentStatuses, stopAgents } from '../agents/launcher.js';
import { onInstanceRemoval } from './teardown.js';

onInstanceRemoval(async (repo, ids) => {
  const running = (await listAgentStatuses(repo, ids).catch(() => [])).filter((s) => s.state === 'running');
  if (running.length > 0) await stopAgents(repo, running.map((s) => s.instance));
});
