// Agent-neutral parts of a launch: the first prompt, the secret-free environment file, preflight.
export * from './env-file.js';
export * from './first-prompt.js';
export * from './preflight.js';
