// Before anything is spawned or started: ask each agent kind in use what would stop it at its
// first screen, and refuse with the first problem and its fix (one line), naming how many more.
import { WtError } from '../../lib/errors.js';
import type { AgentDriver, PreflightProblem } from '../kind/index.js';

export interface PreflightTarget {
  driver: AgentDriver;
  argv: string[];
}

export async function preflightProblems(targets: PreflightTarget[], mainRepo: string, env: NodeJS.ProcessEnv = process.env): Promise<PreflightProblem[]> {
  const problems: PreflightProblem[] = [];
  const seen = new Set<string>();
  for (const { driver, argv } of targets) {
    const key = `${driver.name}\0${argv.join('\0')}`;
    if (!driver.preflight || seen.has(key)) continue;
    seen.add(key);
    for (const problem of await driver.preflight({ mainRepo, env, argv })) {
      if (!problems.some((p) => p.problem === problem.problem)) problems.push(problem);
    }
  }
  return problems;
}

export async function assertPreflight(targets: PreflightTarget[], mainRepo: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const [first, ...more] = await preflightProblems(targets, mainRepo, env);
  if (!first) return;
  throw new WtError(`${first.problem}${more.length ? ` (and ${more.length} more: ${more.map((p) => p.problem.split(':')[0]).join('; ')})` : ''}`, first.fix);
}
