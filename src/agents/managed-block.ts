// A region of a text file that wt-coord owns, between two marker lines: rewriting it keeps whatever
// a person wrote around it byte for byte (a CLAUDE.local.md copied in by .worktreeinclude, say).
const BEGIN = '<!-- >>> wt-coord (generated; this block is rewritten by wt-coord spawn) >>> -->';
const END = '<!-- <<< wt-coord <<< -->';

export function upsertManagedBlock(existing: string | null, body: string): string {
  const block = `${BEGIN}\n${body.trimEnd()}\n${END}\n`;
  if (existing === null || existing.trim() === '') return block;
  const start = existing.indexOf(BEGIN);
  const end = existing.indexOf(END);
  if (start >= 0 && end > start) {
    const after = existing.slice(end + END.length).replace(/^\n/, '');
    return existing.slice(0, start) + block + after;
  }
  // Ours goes first: it says who the agent is, which frames the person's own notes after it.
  return `${block}\n${existing}`;
}
