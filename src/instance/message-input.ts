// The text of a message verb: the words given, or stdin when the text is `-`. A shell argument is
// capped by the OS (128 KiB on Linux), so long texts come through stdin. No words is an empty
// message, never a silent wait on a stdin nobody writes to.
import { UsageError } from '../lib/errors.js';
import { MAX_BODY_BYTES, bodyTooLarge } from '../coord/messages/index.js';
import { readStdin } from '../lib/stdin.js';

/** A long text piped in (the text `-`): refused with its real size when over the limit. */
export async function readBodyFromStdin(): Promise<string> {
  const { text, totalBytes } = await readStdin({ keepBytes: MAX_BODY_BYTES });
  if (totalBytes > MAX_BODY_BYTES) throw bodyTooLarge(totalBytes);
  return text;
}

export async function messageText(words: string[], verb: string, example: string): Promise<string> {
  if (words.length === 1 && words[0] === '-') return readBodyFromStdin();
  const text = words.join(' ');
  if (!text.trim()) throw new UsageError(`${verb}: the message is empty`, `coordinate.sh ${example} (or pipe the text in with -)`);
  return text;
}
