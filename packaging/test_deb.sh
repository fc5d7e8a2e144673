#!/usr/bin/env bash
# Test the Debian package as a collaborator's machine would see it (run as root):
#   1. apt install ./emosign-desktop_*.deb
#   2. emosign-desktop --self-test from the PATH, as an unprivileged user, offscreen and
#      without network (unshare -n where allowed)
#   3. the menu entry passes desktop-file-validate; the project file's MIME type and the
#      icon are registered
#   4. apt remove: nothing left in /opt, the commands are gone, the user's project untouched
# With --chroot DIR it does the same inside a clean Debian made by debootstrap in DIR (from
# the Debian archive apt uses here), which shows the package's Depends are complete.
#
#   packaging/test_deb.sh [dist/emosign-desktop_0.1.0_amd64.deb] [--chroot build/chroot]
set -euo pipefail
cd "$(dirname "$0")/.."
DEB=""
CHROOT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --chroot) CHROOT=$2; shift 2 ;;
    *) DEB=$1; shift ;;
  esac
done
[ -n "$DEB" ] || DEB=$(ls -t dist/emosign-desktop_*.deb 2>/dev/null | head -1 || true)
[ -f "$DEB" ] || { echo "no .deb: run 'make deb' first" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "run as root (it installs the package)" >&2; exit 2; }
DEB=$(readlink -f "$DEB")
TESTER=emosign-tester

# The steps, run here or inside the chroot (a function exported to a shell there).
steps() {
  set -euo pipefail
  DEB=$1
  TESTER=$2
  export DEBIAN_FRONTEND=noninteractive
  echo "== apt install $DEB"
  apt-get install -y -q "$DEB" desktop-file-utils shared-mime-info >/dev/null
  command -v emosign-desktop && command -v emosign
  id "$TESTER" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$TESTER"
  home=$(getent passwd "$TESTER" | cut -d: -f6)

  echo "== a project of the user's, made with the installed command line"
  rm -rf "$home/my-project"  # left by an earlier run of this test
  runuser -u "$TESTER" -- env HOME="$home" emosign init "$home/my-project" >/dev/null
  before=$(sha256sum "$home/my-project/project.emosign")

  echo "== emosign-desktop --self-test as $TESTER (offscreen)"
  run=(runuser -u "$TESTER" -- env -i PATH=/usr/bin:/bin HOME="$home" LANG=C.UTF-8
       QT_QPA_PLATFORM=offscreen emosign-desktop --self-test)
  if unshare -n true 2>/dev/null; then
    echo "(no network: unshare -n)"
    unshare -n "${run[@]}"
  else
    echo "(unshare -n is not allowed here: the network stays)"
    "${run[@]}"
  fi

  echo "== the menu entry, the MIME type, the icon"
  desktop-file-validate /usr/share/applications/emosign-desktop.desktop
  echo "desktop-file-validate: no errors"
  grep -q "project.emosign" /usr/share/mime/globs2
  grep -q "application/x-emosign-project=emosign-desktop.desktop" \
    /usr/share/applications/mimeinfo.cache
  echo "project.emosign is application/x-emosign-project, opened by emosign-desktop.desktop"
  for size in 16 32 48 64 128 256 512; do
    test -f "/usr/share/icons/hicolor/${size}x${size}/apps/emosign-desktop.png"
  done
  echo "icons: hicolor 16-512 px"

  echo "== apt remove"
  apt-get remove -y -q emosign-desktop >/dev/null
  if [ -e /opt/emosign-desktop ]; then
    echo "FAIL: left in /opt:"; find /opt/emosign-desktop | head; exit 1
  fi
  ! command -v emosign-desktop >/dev/null || { echo "FAIL: emosign-desktop still on the PATH"; exit 1; }
  [ ! -e /usr/share/applications/emosign-desktop.desktop ] || { echo "FAIL: menu entry left"; exit 1; }
  after=$(sha256sum "$home/my-project/project.emosign")
  [ "$before" = "$after" ] || { echo "FAIL: the user's project changed"; exit 1; }
  echo "removed: nothing left in /opt, the user's project untouched ($home/my-project)"
}

if [ -z "$CHROOT" ]; then
  steps "$DEB" "$TESTER"
  echo "deb test passed on this machine"
  exit 0
fi

# -- the same in a clean Debian ---------------------------------------------------------------
command -v debootstrap >/dev/null || apt-get install -y -q debootstrap >/dev/null
MIRROR=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null \
         || true)
MIRROR=${MIRROR:-http://deb.debian.org/debian}
SUITE=$(. /etc/os-release && echo "$VERSION_CODENAME")
if [ ! -x "$CHROOT/usr/bin/apt-get" ]; then
  echo "== debootstrap --variant=minbase $SUITE $CHROOT $MIRROR"
  debootstrap --variant=minbase "$SUITE" "$CHROOT" "$MIRROR" >"$CHROOT.log" 2>&1 \
    || { echo "debootstrap failed (see $CHROOT.log)"; tail -5 "$CHROOT.log"; exit 3; }
fi
cp "$DEB" "$CHROOT/tmp/"
cp /etc/resolv.conf "$CHROOT/etc/resolv.conf" 2>/dev/null || true
mounted=()
cleanup() {
  for ((i=${#mounted[@]}-1; i>=0; i--)); do umount -l "${mounted[i]}" 2>/dev/null || true; done
}
trap cleanup EXIT
for fs in proc sys dev dev/pts; do
  mount --bind "/$fs" "$CHROOT/$fs" && mounted+=("$CHROOT/$fs")
done
chroot "$CHROOT" apt-get update -q >/dev/null
chroot "$CHROOT" bash -c "$(declare -f steps); steps /tmp/$(basename "$DEB") $TESTER"
echo "deb test passed in a clean Debian $SUITE ($CHROOT)"
