// The text of a message verb: the words given, or stdin when the text is `-`. A shell argument is
// capped by the OS (128 KiB on Linux), so long texts come through stdin. No words is an empty
// message, never a silent wait on a stdin nobody writes to.
import { UsageError } from '../../errors.js';
import { MAX_BODY_BYTES, bodyTooLarge } from '../../coord/messages.js';

/** Reads stdin, keeping at most the limit but counting everything, so the size error is exact. */
async function readStdin(): Promise<string> {
  const kept: Buffer[] = [];
  let total = 0;
  for await (const chunk of process.stdin) {
    const buf = chunk as Buffer;
    total += buf.length;
    if (total <= MAX_BODY_BYTES) kept.push(buf);
  }
  if (total > MAX_BODY_BYTES) throw bodyTooLarge(total);
  return Buffer.concat(kept).toString('utf8');
}

export async function messageText(words: string[], verb: string, example: string): Promise<string> {
  if (words.length === 1 && words[0] === '-') return readStdin();
  const text = words.join(' ');
  if (!text.trim()) throw new UsageError(`${verb}: the message is empty`, `coordinate.sh ${example} (or pipe the text in with -)`);
  return text;
}
