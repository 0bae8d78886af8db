// Every source-of-truth document of the coordination folder, in one list: `doctor` checks each,
// checkpoints copy each. A new document is added here (and to ARCHITECTURE.md's table of files).
import type { DocSpec } from '../store/store.js';
import { claimsDoc } from './claims/claims.js';
import { agentsDoc } from './instances/agents-doc.js';
import { instancesDoc } from './instances/instances.js';
import { memoryStateDoc } from './memory/memory-state.js';
import { channelsDoc } from './messages/channels.js';
import { inboxPositionsDoc } from './messages/messages.js';
import { tasksDoc } from './queue/tasks.js';
import { integrationsDoc } from './integration/integration-record.js';
import { pullRequestsDoc } from './integration/pull-requests.js';

export const COORDINATION_DOCUMENTS: readonly DocSpec[] = [tasksDoc, instancesDoc, claimsDoc, channelsDoc, inboxPositionsDoc, memoryStateDoc, agentsDoc, integrationsDoc, pullRequestsDoc];

/** Where checkpoints are kept inside the coordination folder: made by a person, so purge keeps them unless told. */
export const CHECKPOINTS_DIR = 'checkpoints';
