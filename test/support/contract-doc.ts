// A document and a view only the store-contract test uses, shared by the test and its child processes.
import path from 'node:path';
import { z } from 'zod';
import { defineDoc, transact, type Transaction } from '../../src/store/store.js';

export const counterDoc = defineDoc('contract-counter.json', z.object({ version: z.literal(1), n: z.number().int().min(0), by: z.array(z.string()) }), () => ({ version: 1 as const, n: 0, by: [] as string[] }));
export const COUNTER_VIEW = 'contract-view.txt';

async function renderCounter(tx: Transaction): Promise<void> {
  if (tx.isDirty(counterDoc)) tx.writeView(path.join(tx.dir, COUNTER_VIEW), `n=${(await tx.get(counterDoc)).n}\n`);
}

/** The store's own transaction, with this test's view renderer (as src/coord/transact.ts passes its own). */
export function transactCounter<T>(dir: string, fn: (tx: Transaction) => Promise<T>): Promise<T> {
  return transact(dir, fn, { render: renderCounter });
}
