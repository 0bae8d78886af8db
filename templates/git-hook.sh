#!/bin/sh
# wt-coord git hook dispatcher, installed by `wt-coord spawn` for instance worktrees only: each
# instance worktree points its own core.hooksPath (per-worktree config) here; the main checkout
# and the project's hooks are left as they were. Every hook name links to this one file.
#  - pre-commit: refuse a commit that touches paths another instance claimed (coordinate.sh
#    check-claims --staged); `git commit --no-verify` skips it.
#  - then, for every hook: run the project's own hook, if it has one, exactly as git would have
#    (from core.hooksPath of the repository/global/system config, else <git common dir>/hooks).
hook=$(basename "$0")
here=$(cd "$(dirname "$0")" && pwd -P)

if [ "$hook" = pre-commit ]; then
  top=$(git rev-parse --show-toplevel 2>/dev/null) || top=$PWD
  if [ -x "$top/.claude-instance/coordinate.sh" ]; then
    "$top/.claude-instance/coordinate.sh" check-claims --staged || exit $?
  fi
fi

# The last core.hooksPath below the worktree scope wins, as in git's own lookup.
original=$(git config --show-scope --get-all core.hooksPath 2>/dev/null | awk '$1 != "worktree" && $1 != "command" { sub(/^[^\t]*\t/, ""); value = $0 } END { print value }')
if [ -z "$original" ]; then
  original="$(git rev-parse --git-common-dir)/hooks"
fi
case "$original" in
  "~/"*) original="$HOME/${original#\~/}" ;;
esac
if [ -d "$original" ] && [ "$(cd "$original" && pwd -P)" = "$here" ]; then
  exit 0 # the project's hooks path is this folder: nothing else to chain
fi
if [ -x "$original/$hook" ]; then
  exec "$original/$hook" "$@"
fi
exit 0
