#!/usr/bin/env bash
# Adds kokoro-reader to the application menu of the current user (run ./scripts/run first).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN="$ROOT/.venv/bin/kokoro-reader"
[ -x "$BIN" ] || { echo "run ./scripts/run first (no $BIN)" >&2; exit 1; }
DIR="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
mkdir -p "$DIR"
cat >"$DIR/kokoro-reader.desktop" <<ENTRY
[Desktop Entry]
Type=Application
Name=kokoro-reader
Comment=Reads selected text aloud with a natural voice, offline
Exec=$BIN daemon
Icon=audio-speakers
Terminal=false
Categories=Utility;Accessibility;
ENTRY
echo "Added $DIR/kokoro-reader.desktop"
