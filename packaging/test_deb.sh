#!/usr/bin/env bash
# Test the Debian package (and the portable tarball) as a collaborator's machine would see
# it.  Run as root.
#
#   packaging/test_deb.sh [DEB]                        on this machine
#   packaging/test_deb.sh --suite bullseye|bookworm|trixie [--tarball TGZ] [DEB]
#                                                      in a clean Debian 11, 12 or 13
#
# With --suite a minimal Debian (debootstrap --variant=minbase, from the Debian archive apt
# uses here) is made once in build/debian/SUITE.base and copied afresh for each run into
# build/debian/SUITE (so every run starts clean, and the package's Depends alone must bring
# what it needs).  The steps:
#   1. apt install ./emosign-desktop_*.deb (apt fetches its Depends from the archive)
#   2. emosign-desktop --self-test from the PATH as a new unprivileged user, offscreen and
#      without network (unshare -n)
#   3. the menu entry passes desktop-file-validate; the project file's MIME type and the
#      icons are registered
#   4. the first window on a real X server (Xvfb, Qt's xcb platform, the system's Mesa):
#      emosign-desktop --startup-time, 4 runs (the first after dropping the page cache)
#   5. with VLC installed (libvlc5, vlc-plugin-base): the self-test again, VLC must play
#   6. apt remove: nothing left in /opt, the commands are gone, the user's project untouched
#   7. (--tarball) as an ordinary user: unpack the tarball in a folder of the user's, its
#      --self-test offline, --install-menu (menu entry, icons, MIME type under
#      ~/.local/share), --uninstall-menu
# Figures (time, sizes) are printed as "figure: ..." lines.  Slow (5-10 min a suite, most of
# it apt), so .ci/run does not run it: `make test-deb` runs all three suites.
set -euo pipefail
cd "$(dirname "$0")/.."
DEB=""
SUITE=""
TARBALL=""
CHROOT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --suite) SUITE=$2; shift 2 ;;
    --chroot) CHROOT=$2; shift 2 ;;
    --tarball) TARBALL=$2; shift 2 ;;
    *) DEB=$1; shift ;;
  esac
done
[ -n "$DEB" ] || DEB=$(ls -t dist/emosign-desktop_*.deb 2>/dev/null | head -1 || true)
[ -f "$DEB" ] || { echo "no .deb: run 'make deb' first" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "run as root (it installs the package)" >&2; exit 2; }
[ -z "$TARBALL" ] || [ -f "$TARBALL" ] || { echo "$TARBALL: no such tarball" >&2; exit 2; }
DEB=$(readlink -f "$DEB")
TESTER=emosign-tester

# The steps, run here or inside the chroot (functions exported to a shell there).
deb_steps() {
  set -euo pipefail
  DEB=$1
  TESTER=$2
  export DEBIAN_FRONTEND=noninteractive
  echo "== apt install $DEB"
  before=$(dpkg-query -W -f '${Package}\n' | wc -l)
  t0=$(date +%s)
  apt-get install -y -q "$DEB" >/tmp/apt-install.log 2>&1 || { tail -20 /tmp/apt-install.log; exit 1; }
  t1=$(date +%s)
  after=$(dpkg-query -W -f '${Package}\n' | wc -l)
  fetched=$(grep -oE 'Need to get [0-9.,]+ [kMG]?B' /tmp/apt-install.log | head -1 || true)
  echo "figure: apt install: $((t1 - t0)) s, $((after - before)) packages installed with it (Depends and Recommends), ${fetched:-nothing fetched}"
  echo "figure: Depends: $(dpkg-query -W -f '${Depends}' emosign-desktop)"
  echo "figure: installed: $(du -sm /opt/emosign-desktop | cut -f1) MB in /opt/emosign-desktop"
  command -v emosign-desktop && command -v emosign
  id "$TESTER" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$TESTER"
  home=$(getent passwd "$TESTER" | cut -d: -f6)

  echo "== a project of the user's, made with the installed command line"
  rm -rf "$home/my-project"  # left by an earlier run of this test
  runuser -u "$TESTER" -- env HOME="$home" emosign init "$home/my-project" >/dev/null
  before_sum=$(sha256sum "$home/my-project/project.emosign")

  selftest() {
    # unshare -n as root, then the user: an unprivileged user may not make the namespace
    unshare -n runuser -u "$TESTER" -- env -i PATH=/usr/bin:/bin HOME="$home" LANG=C.UTF-8 \
      QT_QPA_PLATFORM=offscreen emosign-desktop --self-test 2>/dev/null \
      | grep -E '^(ok|FAIL|skip|self-test|EmoSign)' | tee /tmp/selftest.out
    grep -q '^self-test passed' /tmp/selftest.out
  }
  echo "== emosign-desktop --self-test as $TESTER (offscreen, no network: unshare -n)"
  unshare -n true || { echo "FAIL: unshare -n is not allowed here"; exit 1; }
  selftest
  grep -q '^skip playback-vlc: no libVLC on this system' /tmp/selftest.out
  grep -q 'PyAV is in use' /tmp/selftest.out
  echo "no VLC: PyAV plays, and the self-test says so"
  grep -q '^ok   face-model: face_landmarker.task (sha256 64184e22' /tmp/selftest.out
  echo "figure: face model: $(sha256sum /opt/emosign-desktop/_internal/resources/models/face_landmarker.task | cut -c1-16)... $(stat -c %s /opt/emosign-desktop/_internal/resources/models/face_landmarker.task) bytes, runs offline (self-test face-model)"

  echo "== the menu entry, the MIME type, the icons"
  desktop-file-validate /usr/share/applications/emosign-desktop.desktop
  echo "desktop-file-validate: no errors"
  grep -q "project.emosign" /usr/share/mime/globs2
  grep -q "application/x-emosign-project=emosign-desktop.desktop" \
    /usr/share/applications/mimeinfo.cache
  echo "project.emosign is application/x-emosign-project, opened by emosign-desktop.desktop"
  for size in 16 32 48 64 128 256 512; do
    test -f "/usr/share/icons/hicolor/${size}x${size}/apps/emosign-desktop.png"
  done
  test -f /usr/share/icons/hicolor/scalable/apps/emosign-desktop.svg
  echo "icons: hicolor 16-512 px and scalable"

  echo "== the first window on Xvfb (xcb, the system's Mesa), 4 runs"
  apt-get install -y -q --no-install-recommends xvfb xauth >/dev/null 2>&1
  sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || echo "(page cache not dropped)"
  times=""
  for i in 1 2 3 4; do
    t=$(runuser -u "$TESTER" -- env -i PATH=/usr/bin:/bin HOME="$home" LANG=C.UTF-8 \
        xvfb-run -a -s "-screen 0 1366x768x24" emosign-desktop --startup-time 2>/dev/null \
        | grep -oE '[0-9.]+ s' | head -1)
    [ -n "$t" ] || { echo "FAIL: no window on Xvfb"; exit 1; }
    times="$times ${t% s}"
  done
  echo "figure: first window (Xvfb 1366x768, cold then warm):$times s"

  echo "== with VLC installed: the system's libVLC plays"
  apt-get install -y -q --no-install-recommends libvlc5 vlc-plugin-base >/tmp/apt-vlc.log 2>&1 \
    || { tail -5 /tmp/apt-vlc.log; exit 1; }
  echo "libVLC $(dpkg-query -W -f '${Version}' libvlc5)"
  selftest
  grep -q "^ok   playback-vlc: VLC: played one second .*in use: the system's libVLC" /tmp/selftest.out
  echo "VLC installed: VLC plays, and the self-test says so"

  echo "== apt remove"
  apt-get remove -y -q emosign-desktop >/dev/null
  if [ -e /opt/emosign-desktop ]; then
    echo "FAIL: left in /opt:"; find /opt/emosign-desktop | head; exit 1
  fi
  ! command -v emosign-desktop >/dev/null || { echo "FAIL: emosign-desktop still on the PATH"; exit 1; }
  [ ! -e /usr/share/applications/emosign-desktop.desktop ] || { echo "FAIL: menu entry left"; exit 1; }
  ! grep -q "project.emosign" /usr/share/mime/globs2 || { echo "FAIL: MIME type left"; exit 1; }
  after_sum=$(sha256sum "$home/my-project/project.emosign")
  [ "$before_sum" = "$after_sum" ] || { echo "FAIL: the user's project changed"; exit 1; }
  echo "removed: nothing left in /opt, the user's project untouched ($home/my-project)"
}

tarball_steps() {
  set -euo pipefail
  TGZ=$1
  USER_NAME=emosign-portable
  id "$USER_NAME" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$USER_NAME"
  home=$(getent passwd "$USER_NAME" | cut -d: -f6)
  as_user() { ${NO_NET:-} runuser -u "$USER_NAME" -- env -i PATH=/usr/bin:/bin HOME="$home" \
    LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen bash -euo pipefail -c "$1"; }
  echo "== the tarball as an ordinary user ($USER_NAME), no root"
  cp "$TGZ" "$home/" && chown "$USER_NAME" "$home/$(basename "$TGZ")"
  as_user "rm -rf ~/apps && mkdir -p ~/apps && tar -xzf ~/$(basename "$TGZ") -C ~/apps && rm ~/$(basename "$TGZ")"
  dir=$(as_user 'ls -d ~/apps/emosign-desktop-*/')
  echo "unpacked in $dir ($(du -sm "$dir" | cut -f1) MB)"
  NO_NET="unshare -n" as_user "cd /tmp && ${dir}emosign-desktop --self-test 2>/dev/null | grep -E '^(ok|FAIL|skip|self-test)'" | tee /tmp/portable-selftest.out
  grep -q '^self-test passed' /tmp/portable-selftest.out
  as_user "${dir}emosign --version"
  as_user "${dir}emosign-desktop --install-menu"
  entry="$home/.local/share/applications/emosign-desktop.desktop"
  desktop-file-validate "$entry"
  grep -q "^Exec=${dir}emosign-desktop %f$" "$entry"
  grep -q "project.emosign" "$home/.local/share/mime/globs2"
  grep -q "application/x-emosign-project=emosign-desktop.desktop" \
    "$home/.local/share/applications/mimeinfo.cache"
  for size in 16 48 256 512; do
    test -f "$home/.local/share/icons/hicolor/${size}x${size}/apps/emosign-desktop.png"
  done
  [ ! -e /usr/share/applications/emosign-desktop.desktop ] || { echo "FAIL: a system-wide entry"; exit 1; }
  echo "--install-menu: menu entry (valid, runs ${dir}emosign-desktop), MIME type, icons under ~/.local/share only"
  as_user "${dir}emosign-desktop --uninstall-menu"
  [ ! -e "$entry" ] || { echo "FAIL: menu entry left"; exit 1; }
  ! grep -q "project.emosign" "$home/.local/share/mime/globs2" || { echo "FAIL: MIME type left"; exit 1; }
  ! find "$home/.local/share/icons" -name 'emosign-desktop.*' | grep -q . || { echo "FAIL: icons left"; exit 1; }
  echo "--uninstall-menu: entry, MIME type and icons gone"
}

if [ -z "$SUITE" ] && [ -z "$CHROOT" ]; then
  deb_steps "$DEB" "$TESTER"
  [ -z "$TARBALL" ] || tarball_steps "$(readlink -f "$TARBALL")"
  echo "deb test passed on this machine"
  exit 0
fi

# -- the same in a clean Debian ---------------------------------------------------------------
started=$(date +%s)
command -v debootstrap >/dev/null || apt-get install -y -q debootstrap >/dev/null
MIRROR=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null \
         || true)
MIRROR=${MIRROR:-http://deb.debian.org/debian}
SUITE=${SUITE:-$(. /etc/os-release && echo "$VERSION_CODENAME")}
CHROOT=${CHROOT:-build/debian/$SUITE}
BASE="$CHROOT.base"
if [ ! -x "$BASE/usr/bin/apt-get" ]; then
  mkdir -p "$(dirname "$BASE")"
  echo "== debootstrap --variant=minbase $SUITE $BASE $MIRROR"
  debootstrap --variant=minbase "$SUITE" "$BASE" "$MIRROR" >"$BASE.log" 2>&1 \
    || { echo "debootstrap failed (see $BASE.log)"; tail -5 "$BASE.log"; exit 3; }
fi
echo "== a fresh copy of the minimal Debian $SUITE ($(du -sm "$BASE" | cut -f1) MB): $CHROOT"
rm -rf "$CHROOT"
cp -a "$BASE" "$CHROOT"
cp "$DEB" "$CHROOT/tmp/"
[ -z "$TARBALL" ] || cp "$TARBALL" "$CHROOT/tmp/"
cp /etc/resolv.conf "$CHROOT/etc/resolv.conf" 2>/dev/null || true
mounted=()
cleanup() {
  for ((i=${#mounted[@]}-1; i>=0; i--)); do umount -l "${mounted[i]}" 2>/dev/null || true; done
}
trap cleanup EXIT
for fs in proc sys dev dev/pts; do
  mount --bind "/$fs" "$CHROOT/$fs" && mounted+=("$CHROOT/$fs")
done
mount -t tmpfs tmpfs "$CHROOT/dev/shm" && mounted+=("$CHROOT/dev/shm")
chroot "$CHROOT" apt-get update -q >/dev/null
echo "figure: Debian $(cat "$CHROOT/etc/debian_version"), glibc $(chroot "$CHROOT" ldd --version | head -1 | grep -oE '[0-9.]+$')"
chroot "$CHROOT" bash -c "$(declare -f deb_steps); deb_steps /tmp/$(basename "$DEB") $TESTER"
if [ -n "$TARBALL" ]; then
  chroot "$CHROOT" bash -c "$(declare -f tarball_steps); tarball_steps /tmp/$(basename "$TARBALL")"
fi
cleanup
mounted=()
rm -rf "$CHROOT"
echo "figure: the whole test took $(( $(date +%s) - started )) s"
echo "deb test passed in a clean Debian $SUITE"
