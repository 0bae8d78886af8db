// A fingerprint of a text or of bytes: 64 bits, as 16 hex digits, that change when any byte does.
// For telling "the same as before" from "edited" or "torn", never for security.
//
// A small one (most coordination files) is hashed here: two lanes of MurmurHash3's 32-bit mixing
// with different constants over the UTF-8 bytes, four at a time, each finished with Murmur's
// avalanche step, the length mixed in. node:crypto would cost such a call ~3 ms just to load (it
// brings Node's streams with it). A large one (a 5,000-task queue is 1.5 MB) is hashed by
// node:crypto's SHA-1, loaded then: native code hashes it in a third of the time this loop takes
// in a fresh process, which more than pays for the loading. Either way a random edit matches by
// chance about once in 2^64 edits.
import { createRequire } from 'node:module';

/** From this size on, SHA-1 (see above). */
const NATIVE_FROM_BYTES = 128 * 1024;

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const D1 = 0x85ebca6b;
const D2 = 0xc2b2ae35;

function finish(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, D1);
  h ^= h >>> 13;
  h = Math.imul(h, D2);
  h ^= h >>> 16;
  return h >>> 0;
}

export function fingerprint(data: string | Uint8Array): string {
  if (isLarge(data)) return sha1(data).slice(0, 16);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  // A Buffer that owns its memory starts 8-byte aligned; a small one may be a slice of Node's pool
  // at any offset, and an Int32Array needs 4: copy that one (it is small).
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : Uint8Array.from(bytes);
  const words = new Int32Array(aligned.buffer, aligned.byteOffset, aligned.length >>> 2);
  let a = 0x9747b28c;
  let b = 0x5bd1e995;
  for (let i = 0; i < words.length; i++) {
    let k = Math.imul(words[i]!, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    a ^= k;
    a = (a << 13) | (a >>> 19);
    a = (Math.imul(a, 5) + 0xe6546b64) | 0;
    let m = Math.imul(words[i]!, D1);
    m = (m << 16) | (m >>> 16);
    m = Math.imul(m, D2);
    b ^= m;
    b = (b << 17) | (b >>> 15);
    b = (Math.imul(b, 9) + 0x38495ab5) | 0;
  }
  for (let i = words.length * 4; i < aligned.length; i++) {
    a = Math.imul(a ^ aligned[i]!, C1);
    b = Math.imul(b ^ aligned[i]!, D1);
  }
  return finish(a, aligned.length).toString(16).padStart(8, '0') + finish(b, aligned.length).toString(16).padStart(8, '0');
}

/**
 * Whether the data has NATIVE_FROM_BYTES UTF-8 bytes or more, so that a text and its bytes always
 * take the same way. A text has at least as many bytes as UTF-16 units and at most three times as
 * many: they are counted only between the two (counting 1.5 MB would cost a call a millisecond).
 */
function isLarge(data: string | Uint8Array): boolean {
  if (typeof data !== 'string' || data.length >= NATIVE_FROM_BYTES || data.length * 3 < NATIVE_FROM_BYTES) return data.length >= NATIVE_FROM_BYTES;
  return Buffer.byteLength(data, 'utf8') >= NATIVE_FROM_BYTES;
}

type Crypto = typeof import('node:crypto');
let crypto: Crypto | undefined;

function sha1(data: string | Uint8Array): string {
  // A require, not an import: the light entries load built-ins only where they are used (lib/child-process.ts says why).
  crypto ??= createRequire(import.meta.url)('node:crypto') as Crypto;
  return crypto.createHash('sha1').update(data).digest('hex');
}
