# shellcheck shell=bash
# A headless desktop for tests: an X server with a tray host, a session bus and a PipeWire
# audio server whose default sink is a 48 kHz mono null sink "nullsink".
#
#   . tests/harness/desktop.sh     # bash; sets DISPLAY, PULSE_SERVER, DBUS_SESSION_BUS_ADDRESS,
#                                  # XDG_RUNTIME_DIR; everything is stopped by PID on EXIT
#
# Options (environment): DESKTOP_X=0 skips Xvfb and trayer (audio only);
# DESKTOP_AUDIO=pipewire (default) | none; DESKTOP_TRAP=0 installs no EXIT trap
# (call desktop_stop yourself). Debian packages: xvfb x11-utils xdotool trayer dbus-daemon
# pipewire pipewire-pulse wireplumber pulseaudio-utils libasound2-plugins (scripts/test).
# The project's copy of shared/harness/ci_env.sh; the pytest side is tests/audio_server.py.
#
# PID 1 on the CI machines does not reap orphans: every process started here is waited for.

DESKTOP_RUN=$(mktemp -d /tmp/desktop-run.XXXXXX)
chmod 700 "$DESKTOP_RUN"
export XDG_RUNTIME_DIR=$DESKTOP_RUN
DESKTOP_PIDS=()

desktop_stop() {
  local p i
  for ((i = ${#DESKTOP_PIDS[@]} - 1; i >= 0; i--)); do kill "${DESKTOP_PIDS[i]}" 2>/dev/null || true; done
  for p in "${DESKTOP_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done  # || true: callers use set -e
  DESKTOP_PIDS=()
  rm -rf "$DESKTOP_RUN"
}

if [ "${DESKTOP_TRAP:-1}" = 1 ]; then
  trap 'rc=$?; desktop_stop; exit $rc' EXIT
fi

desktop_wait() {  # desktop_wait WHAT CMD...: poll CMD for up to 10 s (another process's readiness)
  local what=$1 i
  shift
  for i in $(seq 200); do "$@" >/dev/null 2>&1 && return 0; sleep 0.05; done
  echo "desktop: $what not ready; its log:" >&2
  tail -n 20 "$DESKTOP_RUN/$what.log" >&2 2>/dev/null || true
  return 1
}

desktop_bg() {  # desktop_bg NAME CMD...: start CMD in the background, log to $DESKTOP_RUN/NAME.log
  local name=$1
  shift
  # Servers keep their state and config private: no stored default sink or volumes leak in.
  XDG_STATE_HOME=$DESKTOP_RUN/state XDG_CONFIG_HOME=$DESKTOP_RUN/config "$@" \
    >"$DESKTOP_RUN/$name.log" 2>&1 &
  DESKTOP_PIDS+=($!)
}

desktop_start_x() {
  # -displayfd: Xvfb picks a free display and reports it, so parallel runs cannot collide.
  # -noreset: else the server resets when xdpyinfo disconnects and the next client can fail.
  # +extension RECORD: pynput's hotkey listener needs it.
  desktop_bg Xvfb Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp -noreset +extension RECORD \
    3>"$DESKTOP_RUN/display"
  desktop_wait Xvfb test -s "$DESKTOP_RUN/display" || return 1
  export DISPLAY=":$(head -n 1 "$DESKTOP_RUN/display")"
  desktop_wait Xvfb xdpyinfo -display "$DISPLAY" || return 1
  # A tray host: without one QSystemTrayIcon.isSystemTrayAvailable() is False.
  desktop_bg trayer trayer --edge top --align right --widthtype request --height 24 --SetDockType true
  desktop_wait trayer xdotool search --classname trayer || return 1
}

desktop_start_bus() {
  export DBUS_SESSION_BUS_ADDRESS=unix:path=$DESKTOP_RUN/bus
  desktop_bg dbus-daemon dbus-daemon --session --nofork --nopidfile --address="$DBUS_SESSION_BUS_ADDRESS"
  desktop_wait dbus-daemon test -S "$DESKTOP_RUN/bus" || return 1
}

desktop_null_sink() {
  pactl load-module module-null-sink sink_name=nullsink rate=48000 channels=1 >/dev/null || return 1
  desktop_wait pipewire-pulse sh -c 'pactl set-default-sink nullsink && pactl info | grep -q "Default Sink: nullsink"'
}

desktop_start_pipewire() {
  export PULSE_SERVER=unix:$DESKTOP_RUN/pulse/native
  desktop_bg pipewire pipewire
  desktop_wait pipewire test -S "$DESKTOP_RUN/pipewire-0" || return 1
  desktop_bg wireplumber wireplumber  # the session manager: without it streams never link
  desktop_bg pipewire-pulse pipewire-pulse
  desktop_wait pipewire-pulse pactl info || return 1
  desktop_null_sink
}

if [ "${DESKTOP_X:-1}" = 1 ]; then desktop_start_x || return 1; fi
desktop_start_bus || return 1
case "${DESKTOP_AUDIO:-pipewire}" in
  pipewire) desktop_start_pipewire || return 1 ;;
  none) ;;
  *) echo "desktop: DESKTOP_AUDIO must be pipewire or none" >&2; return 1 ;;
esac
