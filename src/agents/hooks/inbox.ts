// The instance's inbox as hook context. PLACEHOLDER until src/coord/messages.ts lands.
import type { InstanceContext } from '../../instance/context.js';

export async function takeInboxNews(_ctx: InstanceContext, _mode: 'session' | 'new'): Promise<string | null> {
  return null;
}
