#!/usr/bin/env bash
# macOS: the .app (PyInstaller's BUNDLE in packaging/emosign-desktop.spec) into a .dmg.
# Written, not run here (no macOS machine): see README.  Needs Xcode's command-line tools.
#   python packaging/build_bundle.py          -> dist/EmoSign Desktop.app
#   packaging/macos/make_dmg.sh               -> dist/EmoSign-Desktop-VERSION-ARCH.dmg
# Unsigned unless CODESIGN_IDENTITY is set (then signed, and notarized when NOTARY_PROFILE
# names a notarytool keychain profile).  The .app opens project.emosign files by double-click
# (CFBundleDocumentTypes in the spec).
set -euo pipefail
cd "$(dirname "$0")/../.."
APP="dist/EmoSign Desktop.app"
VERSION=$(.venv/bin/python -c 'import emosign_desktop; print(emosign_desktop.__version__)' 2>/dev/null \
          || python3 -c 'import emosign_desktop; print(emosign_desktop.__version__)')
DMG="dist/EmoSign-Desktop-${VERSION}-$(uname -m).dmg"  # arm64 or x86_64
[ -d "$APP" ] || { echo "$APP missing: run packaging/build_bundle.py first" >&2; exit 2; }

# the command line next to the window: `emosign` in Contents/MacOS chooses by its name
ln -sf emosign-desktop "$APP/Contents/MacOS/emosign"

if [ -n "${CODESIGN_IDENTITY:-}" ]; then
  codesign --force --deep --options runtime --timestamp --sign "$CODESIGN_IDENTITY" "$APP"
fi

STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
cp dist/emosign-desktop/THIRD-PARTY-NOTICES.txt "$STAGE/" 2>/dev/null \
  || cp "$APP/Contents/Resources/resources/THIRD-PARTY-NOTICES.txt" "$STAGE/" 2>/dev/null || true
rm -f "$DMG"
hdiutil create -volname "EmoSign Desktop" -srcfolder "$STAGE" -ov -format UDZO "$DMG"

if [ -n "${CODESIGN_IDENTITY:-}" ] && [ -n "${NOTARY_PROFILE:-}" ]; then
  xcrun notarytool submit "$DMG" --keychain-profile "$NOTARY_PROFILE" --wait
  xcrun stapler staple "$DMG"
fi
echo "built $DMG"
