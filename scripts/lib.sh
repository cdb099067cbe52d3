# Shared by scripts/run and scripts/test: system packages and the project virtualenv.
# Source it; it sets VENV and defines the functions below.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${KOKORO_READER_VENV:-$ROOT/.venv}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# apt_install PKG...: install Debian/Ubuntu packages that are missing (apt-get update first).
apt_install() {
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null; then
    echo "Please install these system packages with your package manager: ${missing[*]}" >&2
    return 0
  fi
  echo "Installing system packages: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# What the tray daemon needs from the system: Qt's X11 platform libraries, fonts, the
# selection tools (xclip/xsel, wl-clipboard) and PortAudio.
DESKTOP_PACKAGES=(libportaudio2 ca-certificates xclip xsel wl-clipboard libxcb-cursor0 libxkbcommon-x11-0
  libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0
  libxcb-randr0 libxcb-xkb1 libegl1 libgl1 libfontconfig1 libdbus-1-3 libglib2.0-0 fonts-dejavu-core)

# A Python the dependencies support (misaki needs 3.10-3.12).
pick_python() {
  local py
  for py in ${PYTHON:-} python3.12 python3.11 python3.10 python3; do
    command -v "$py" >/dev/null 2>&1 || continue
    if "$py" -c 'import sys; sys.exit(not (3, 10) <= sys.version_info[:2] <= (3, 12))' 2>/dev/null; then
      echo "$py"; return 0
    fi
  done
  echo "kokoro-reader needs Python 3.10, 3.11 or 3.12 (set PYTHON=/path/to/python)" >&2
  return 1
}

make_venv() {
  local py
  py=$(pick_python)
  if ! "$py" -m venv --help >/dev/null 2>&1 || ! "$py" -c 'import ensurepip' 2>/dev/null; then
    apt_install python3-venv
  fi
  [ -x "$VENV/bin/python" ] || "$py" -m venv "$VENV"
  pip_install --upgrade pip
}

# pip_install ARGS...: quiet pip into the venv; its full log only when it fails.
pip_install() {
  local log
  log=$(mktemp)
  if ! "$VENV/bin/python" -m pip install -q "$@" >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"; return 1
  fi
  rm -f "$log"
}
