#!/usr/bin/env bash
# `make bundle`: build the one-folder bundle inside a minimal Debian 11 (bullseye) made by
# debootstrap, so that it runs on any x86_64 Linux with glibc 2.31 or newer (Debian 11, 12,
# 13, Ubuntu 20.04 and later) and takes nothing from the system but the documented base
# (packaging/bundle_config.py, SYSTEM_BASE).
#
#   sudo packaging/portable_bundle.sh          # dist/emosign-desktop (and its sizes.json)
#
# Why a chroot: a bundle carries its Python, and a Python compiled on Debian 12 (glibc 2.36)
# asks for glibc 2.34/2.35 symbols (pthread_create@GLIBC_2.34, ...) that Debian 11 has not.
# The wheels themselves are manylinux (glibc 2.17-2.28).  So the chroot compiles CPython 3.11
# once (Debian 12's source package python3.11: upstream 3.11.2 with Debian's security
# patches, from the Debian archive), makes a venv from it with the pinned versions
# (constraints.txt), and runs packaging/build_bundle.py there on a copy of this tree.
#
# The chroot is kept between builds (EMOSIGN_BUILD_CHROOT, default
# /var/tmp/emosign-desktop-build/bullseye: outside the repository, so a fresh clone reuses
# it): the first build takes 15-25 min (debootstrap, compiling Python, downloading the
# wheels), later ones 3-5 min.  Needs root (debootstrap, chroot, mount).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SUITE=${EMOSIGN_BUILD_SUITE:-bullseye}
CHROOT=${EMOSIGN_BUILD_CHROOT:-/var/tmp/emosign-desktop-build/$SUITE}
PREFIX=/opt/python3.11
DIST=${EMOSIGN_DIST:-$ROOT/dist}
[ "$(id -u)" -eq 0 ] || { echo "run as root (debootstrap, chroot and mount need it)" >&2; exit 2; }
export DEBIAN_FRONTEND=noninteractive
MIRROR=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null \
         || true)
MIRROR=${MIRROR:-http://deb.debian.org/debian}
started=$(date +%s)

# What the build needs inside the chroot: a compiler and the headers Python's modules link
# (OpenSSL, libffi, zlib, bz2, xz, SQLite, uuid), binutils (strip, readelf), and the
# libraries Qt loads even offscreen (the icons are drawn with Qt; the bundle's own xcb
# utility libraries are taken from here).
PACKAGES=(build-essential pkg-config libssl-dev libffi-dev zlib1g-dev libbz2-dev liblzma-dev
          libsqlite3-dev uuid-dev xz-utils ca-certificates binutils dpkg-dev
          libgl1 libegl1 libopengl0 libfontconfig1 libfreetype6 libdbus-1-3 libglib2.0-0
          libxkbcommon0 libxkbcommon-x11-0 libx11-6 libx11-xcb1 libxcb1 libxcb-cursor0
          libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0
          libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxcb-xfixes0 libxcb-shm0 libxcb-sync1
          libxcb-render0 libxcb-util1 fonts-dejavu-core)

if [ ! -x "$CHROOT/usr/bin/apt-get" ]; then
  command -v debootstrap >/dev/null || apt-get install -y -q debootstrap >/dev/null
  mkdir -p "$(dirname "$CHROOT")"
  echo "== debootstrap --variant=minbase $SUITE $CHROOT"
  debootstrap --variant=minbase "$SUITE" "$CHROOT" "$MIRROR" >"$CHROOT.log" 2>&1 \
    || { echo "debootstrap failed (see $CHROOT.log)" >&2; tail -5 "$CHROOT.log" >&2; exit 3; }
fi

mounted=()
cleanup() {
  for ((i=${#mounted[@]}-1; i>=0; i--)); do umount -l "${mounted[i]}" 2>/dev/null || true; done
}
trap cleanup EXIT
for fs in proc sys dev dev/pts; do
  mountpoint -q "$CHROOT/$fs" || { mount --bind "/$fs" "$CHROOT/$fs" && mounted+=("$CHROOT/$fs"); }
done
cp /etc/resolv.conf "$CHROOT/etc/resolv.conf" 2>/dev/null || true
# pip in the chroot trusts what this machine trusts (its CA bundle: a proxy's own CA too)
mkdir -p "$CHROOT/build"
CA=${PIP_CERT:-${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}}
[ -f "$CA" ] && cp "$CA" "$CHROOT/build/ca-certificates.crt"
in_chroot() { chroot "$CHROOT" env -i HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
  PATH=/build/venv/bin:$PREFIX/bin:/usr/sbin:/usr/bin:/sbin:/bin PIP_DISABLE_PIP_VERSION_CHECK=1 \
  PIP_DEFAULT_TIMEOUT=180 $( [ -f "$CHROOT/build/ca-certificates.crt" ] && \
    echo PIP_CERT=/build/ca-certificates.crt SSL_CERT_FILE=/build/ca-certificates.crt ) \
  bash -euo pipefail -c "$1"; }

want=$(printf '%s\n' "${PACKAGES[@]}" | sha256sum | cut -c1-16)
if [ "$(cat "$CHROOT/build/packages.stamp" 2>/dev/null)" != "$want" ]; then
  echo "== apt-get install (${#PACKAGES[@]} packages) in $CHROOT"
  mkdir -p "$CHROOT/build"
  # Debian 12's source package of Python 3.11 (the only source read from bookworm)
  echo "deb-src $MIRROR bookworm main" > "$CHROOT/etc/apt/sources.list.d/bookworm-src.list"
  in_chroot "apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends ${PACKAGES[*]} >/dev/null"
  echo "$want" > "$CHROOT/build/packages.stamp"
fi

if [ ! -x "$CHROOT$PREFIX/bin/python3.11" ]; then
  echo "== compiling Python 3.11 into $PREFIX (Debian 12's python3.11 source, upstream with Debian's security patches)"
  t0=$(date +%s)
  in_chroot "
    rm -rf /build/python-src && mkdir -p /build/python-src && cd /build/python-src
    apt-get source --download-only -q python3.11 >/dev/null
    tar xzf python3.11_*.orig.tar.gz && cd Python-3.11.*/ && tar xJf ../python3.11_*.debian.tar.xz
    applied=0; skipped=''
    # the 3.11 branch's fixes, then every CVE and security fix, in Debian's order; none of
    # Debian's layout patches (dist-packages, multiarch, ensurepip disabled)
    for p in \$(grep -E '^(git-updates|CVE-|[0-9]{4}-3\.11-gh-|frame_dealloc|relfile)' debian/patches/series); do
      if patch -p1 --forward --dry-run -s < debian/patches/\$p >/dev/null 2>&1; then
        patch -p1 --forward -s < debian/patches/\$p; applied=\$((applied+1))
      else skipped=\"\$skipped \$p\"; fi
    done
    echo \"applied \$applied of Debian's patches; did not apply:\${skipped:- none}\" | tee /build/python-patches.txt
    # Debian builds pyexpat into the interpreter; built as a module here, the fix for
    # CVE-2026-4224 (which calls a core function) needs what 3.12's pyexpat.c defines
    if grep -q pycore_ceval.h Modules/pyexpat.c && ! grep -q Py_BUILD_CORE_MODULE Modules/pyexpat.c; then
      sed -i '1i #ifndef Py_BUILD_CORE_BUILTIN\\n#  define Py_BUILD_CORE_MODULE 1\\n#endif' Modules/pyexpat.c
    fi
    ./configure -q --prefix=$PREFIX --enable-shared --with-ensurepip=install \
      LDFLAGS='-Wl,-rpath,$PREFIX/lib' >/dev/null
    make -s -j\$(nproc) >/build/python-make.log 2>&1 || { tail -30 /build/python-make.log; exit 1; }
    make -s install >/build/python-install.log 2>&1 || { tail -30 /build/python-install.log; exit 1; }
    $PREFIX/bin/python3.11 -c 'import ssl, sqlite3, ctypes, lzma, bz2, zlib, uuid; print(\"Python\", __import__(\"sys\").version.split()[0], ssl.OPENSSL_VERSION, \"SQLite\", sqlite3.sqlite_version)'
    cd / && rm -rf /build/python-src"
  echo "Python compiled in $(( $(date +%s) - t0 )) s"
fi

echo "== this tree into $CHROOT/build/src"
rm -rf "$CHROOT/build/src" && mkdir -p "$CHROOT/build/src"
tar -C "$ROOT" --exclude=./.git --exclude=./.venv --exclude=./build --exclude=./dist \
  --exclude='*.egg-info' --exclude='__pycache__' --exclude=./.hypothesis \
  --exclude=./.ruff_cache --exclude=./.mypy_cache --exclude=./benchmarks/out -cf - . \
  | tar -C "$CHROOT/build/src" -xf -

# constraints.txt with the bundle's own pins over it (packaging/constraints-linux-bundle.txt)
OVERLAY=packaging/constraints-linux-bundle.txt
names=$(grep -vE '^\s*(#|$)' "$OVERLAY" | sed 's/[=<>!~ ].*//' | tr 'A-Z_.' 'a-z--')
{ while read -r line; do
    name=$(echo "$line" | sed 's/[=<>!~ ].*//' | tr 'A-Z_.' 'a-z--')
    echo "$names" | grep -qx -- "$name" || echo "$line"
  done < constraints.txt; grep -vE '^\s*(#|$)' "$OVERLAY"; } > "$CHROOT/build/constraints.txt"
want=$(cat "$CHROOT/build/constraints.txt" pyproject.toml | sha256sum | cut -c1-16)
if [ "$(cat "$CHROOT/build/venv.stamp" 2>/dev/null)" != "$want" ]; then
  echo "== venv with the pinned versions (constraints.txt), bundle extra"
  t0=$(date +%s)
  in_chroot "rm -rf /build/venv && $PREFIX/bin/python3.11 -m venv /build/venv
    /build/venv/bin/python -m pip install -q --upgrade 'pip>=24'
    /build/venv/bin/python -m pip install -q -c /build/constraints.txt -e '/build/src[bundle]'"
  echo "$want" > "$CHROOT/build/venv.stamp"
  echo "venv made in $(( $(date +%s) - t0 )) s"
fi

[ -z "${EMOSIGN_PREPARE_ONLY:-}" ] || { echo "chroot, Python and venv ready"; exit 0; }
echo "== packaging/build_bundle.py in $CHROOT"
rm -rf "$CHROOT/build/dist"
in_chroot "cd /build/src && python packaging/build_bundle.py --dist /build/dist --work /build/work --max-glibc 2.31"
mkdir -p "$DIST"
rm -rf "$DIST/emosign-desktop"
cp -a "$CHROOT/build/dist/emosign-desktop" "$DIST/"
cp "$CHROOT/build/dist/emosign-desktop.sizes.json" "$DIST/"
echo "bundle built in a Debian $SUITE chroot in $(( $(date +%s) - started )) s: $DIST/emosign-desktop"
