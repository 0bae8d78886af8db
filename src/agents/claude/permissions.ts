// The permission rules an instance's Claude Code needs for the coordination protocol and nothing
// more, merged into permissions.allow of its .claude/settings.local.json:
//   Bash(<kit>/coordinate.sh *)                   every coordinate.sh verb, by its absolute path
//   Bash(.claude-instance/coordinate.sh *)        ... and as the briefings write it (from the worktree)
//   Read(//<memory bank>/**), Read(//<coordination folder>/**)   the shared views behind the links
// (Permission rule syntax: a trailing " *" matches any arguments or none; "//" starts an absolute
// path.) Everything else (edits, git, builds, the network) stays the user's policy: their flags
// (--permission-mode, --allowedTools) and their own settings.
import path from 'node:path';

export interface PermissionPaths {
  kitDir: string;
  memoryBank: string;
  coordDir: string;
}

const absolute = (dir: string) => `//${dir.replace(/^\/+/, '')}`;

export function coordinationAllowRules({ kitDir, memoryBank, coordDir }: PermissionPaths): string[] {
  return [
    `Bash(${path.join(kitDir, 'coordinate.sh')} *)`,
    `Bash(${path.join(path.basename(kitDir), 'coordinate.sh')} *)`,
    `Read(${absolute(memoryBank)}/**)`,
    `Read(${absolute(coordDir)}/**)`,
  ];
}

