// Sealed files: a JSON file that every call reads (tasks.json, the configuration's copy config.json)
// ends with a checksum of the text before it and of the build that wrote it:
//
//     "lost_leases": {},
//     "checksum": "9f86d081884c7d65:b9e0aa01c1d3f2a4"
//   }
//
// wt-coord validates every such file before writing it. So a text whose checksum is intact, read
// by the same build, is exactly what that build validated: it is parsed without validating it
// again (at 5,000 tasks that was most of what a coordinate.sh call spent reading the queue, and for
// any file, compiling its schema costs a call a few milliseconds). A text edited by hand, torn,
// written by another build (whose schemas may differ) or by the PostgreSQL store (which keeps JSON
// in its own layout) does not match, and is validated like any other.
import { BUILD_ID } from './build-id.js';
import { fingerprint } from './fingerprint.js';

const CHECKSUM_KEY = 'checksum';
const TAIL = /,\n {2}"checksum": "([0-9a-f]{16}):([0-9a-f]{16})"\n\}\n$/;
/** The seal's line and the closing brace: `,\n  "checksum": "<16>:<16>"\n}\n`. */
const TAIL_LENGTH = ',\n  "checksum": "'.length + 33 + '"\n}\n'.length;
const BUILD = fingerprint(BUILD_ID);

/** The text of a record-per-line document (lib/json-file.ts's toRecordsText) with its seal. */
export function seal(text: string): { text: string; checksum: string } {
  if (!text.endsWith('\n}\n')) return { text, checksum: fingerprint(text) }; // `{}`: nothing worth sealing
  const body = text.slice(0, -'\n}\n'.length);
  const checksum = `${BUILD}:${fingerprint(body)}`;
  return { text: `${body},\n  "${CHECKSUM_KEY}": "${checksum}"\n}\n`, checksum };
}

/**
 * The seal of a text (or of its UTF-8 bytes, which spares encoding it again) unchanged since some
 * build sealed it (`build`: that build's fingerprint); null for any other text.
 */
export function readSeal(data: string | Uint8Array, onlyBuild?: string): { build: string; checksum: string } | null {
  const tail = TAIL.exec(typeof data === 'string' ? data.slice(-TAIL_LENGTH) : Buffer.from(data.subarray(-TAIL_LENGTH)).toString('latin1'));
  if (!tail || (onlyBuild !== undefined && tail[1] !== onlyBuild)) return null;
  const body = typeof data === 'string' ? data.slice(0, data.length - TAIL_LENGTH) : data.subarray(0, data.length - TAIL_LENGTH); // the tail is ASCII: as many bytes as characters
  if (fingerprint(body) !== tail[2]) return null;
  return { build: tail[1]!, checksum: `${tail[1]}:${tail[2]}` };
}

/** The checksum of a sealed text (or its bytes) written by this build and unchanged since; null for any other. */
export function intactChecksum(data: string | Uint8Array): string | null {
  return readSeal(data, BUILD)?.checksum ?? null;
}

/**
 * A sealed JSON text's value as this build wrote it (the seal's key taken out), when it is intact;
 * null for any other text, which the caller validates. `checksum`: the seal's, when already checked.
 */
export function parseIntact(text: string, checksum: string | null = intactChecksum(text)): { value: Record<string, unknown>; checksum: string } | null {
  if (checksum === null) return null;
  const value = JSON.parse(text) as Record<string, unknown>;
  delete value[CHECKSUM_KEY];
  return { value, checksum };
}

/**
 * What a text is, for telling whether it changed: its checksum when sealed and intact, else a
 * fingerprint of the whole text (which no checksum equals).
 */
export function digestOf(text: string): string {
  return intactChecksum(text) ?? fingerprint(text);
}
