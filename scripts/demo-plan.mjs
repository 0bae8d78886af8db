// The demo's orchestrated part, shared by scripts/demo.mjs and test/defects-run.test.ts (which keeps it green):
// the task list `wt-coord run` imports, and the check `wt-coord integrate` runs after each merge.
// The check must hold after EVERY merge, in whatever order the branches come: which instance does
// which task depends on scheduling, so the merge order differs from run to run.

export const DEMO_TASKS = {
  tasks: [
    { id: '1', description: 'greeting module', priority: 1, context: { files: ['src/greeting.txt'] } },
    { id: '2', description: 'farewell module', priority: 1, context: { files: ['src/farewell.txt'] } },
    { id: '3', description: 'cli flags', priority: 2, dependencies: ['1'], context: { files: ['src/cli.txt'] } },
    { id: '4', description: 'tests for greeting and farewell', priority: 2, dependencies: ['1', '2'], context: { files: ['test/modules.txt'] } },
    { id: '5', description: 'usage docs', priority: 3, dependencies: ['3'], context: { files: ['docs/usage.txt'] } },
    { id: '6', description: 'changelog', priority: 3, dependencies: ['4', '5'], context: { files: ['CHANGELOG.txt'] } },
  ],
};

/**
 * What `integrate --check` runs in the demo: the app still starts. It was `test -f src/greeting.txt`,
 * which only the branch that did task 1 brings: when another branch came first in the merge order
 * (an instance that did only task 2 has no dependencies, so it merges first), the check failed.
 */
export const DEMO_CHECK = 'npm start --silent';
