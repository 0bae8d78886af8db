import { usageText, type VerbHandler } from '../verbs.js';

export const run: VerbHandler = async () => ({ output: usageText() });
