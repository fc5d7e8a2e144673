#!/usr/bin/env bash
# Run a bundled executable's --self-test as a collaborator's machine would: no display
# (Qt offscreen), no network (a new network namespace, where unshare is allowed), data and
# settings in a fresh home.  Usage: packaging/selftest_bundle.sh [EXECUTABLE] [RUNUSER]
set -euo pipefail
EXE=${1:-dist/emosign-desktop/emosign-desktop}
AS_USER=${2:-}
[ -x "$EXE" ] || { echo "$EXE: no bundle here; run 'make bundle' first" >&2; exit 2; }
HOME_DIR=$(mktemp -d)
trap 'rm -rf "$HOME_DIR"' EXIT
RUN=(env -i PATH=/usr/bin:/bin HOME="$HOME_DIR" QT_QPA_PLATFORM=offscreen LANG=C.UTF-8)
if [ -n "$AS_USER" ]; then
  chown "$AS_USER" "$HOME_DIR"
  RUN=(runuser -u "$AS_USER" -- "${RUN[@]}")
fi
if unshare -n true 2>/dev/null; then
  echo "self-test of $EXE without network (unshare -n), offscreen"
  unshare -n "${RUN[@]}" "$EXE" --self-test
else
  echo "self-test of $EXE offscreen (unshare -n is not allowed here: the network stays)"
  "${RUN[@]}" "$EXE" --self-test
fi
