"""Single instance and remote control: a Unix socket in the user's runtime directory.

One JSON object per line each way. A request is {"cmd": NAME} plus arguments (say: "text");
the reply is {"ok": true, ...} or {"ok": false, "error": MESSAGE}. The socket's folder is
private (0700) and the socket itself 0600; the server also checks the peer's uid, so another
user cannot connect. A socket left behind by a crashed instance is taken over.

Not responsible for what a command does (the Controller) or for threads other than its own
accept and request threads.
"""
from __future__ import annotations

import json
import logging
import os
import socket
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from reader.daemon.controller import ACTIONS
from reader.types import ReaderError

_LOGGER = logging.getLogger(__name__)

COMMANDS = (*ACTIONS, "status")  # what the controller does, and the state it answers with
_MAX_REQUEST = 16 * 2**20  # bytes: `ctl say` may carry a long text, not an unbounded one
_TIMEOUT_S = 5.0


class AlreadyRunning(ReaderError):
    """Another instance answers on the socket."""


def socket_path() -> Path:
    """KOKORO_READER_SOCKET, else control.sock in the user's runtime dir."""
    override = os.environ.get("KOKORO_READER_SOCKET")
    if override:
        return Path(override)
    import warnings

    from platformdirs import user_runtime_dir

    with warnings.catch_warnings():  # no XDG_RUNTIME_DIR: platformdirs warns, then uses a private /tmp dir
        warnings.simplefilter("ignore")
        return Path(user_runtime_dir("kokoro-reader")) / "control.sock"


def _answers(path: Path) -> bool:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(1.0)
            s.connect(str(path))
        return True
    except OSError:
        return False


class ControlServer:
    """Owns the listening socket, its accept thread ("control") and a short-lived thread per
    request ("control-request"): a `ctl stop` is never held up behind another client, e.g. a
    long `ctl say` still being read or a client that connected and sends nothing (5 s).

    handler(cmd, **args) -> reply runs on the request's thread, so requests may overlap: it
    must be thread-safe, only read state or post work, and never block for long.
    """

    def __init__(self, handler: Callable[..., dict], path: Path | None = None) -> None:
        self.path = path or socket_path()
        self._handler = handler
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._closed = threading.Event()

    def start(self) -> None:
        """Bind (taking over a stale socket) and serve; raises AlreadyRunning."""
        path = self.path
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if path.exists() or path.is_symlink():
            if _answers(path):
                raise AlreadyRunning("kokoro-reader is already running")
            path.unlink()  # left behind by a crashed instance
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old_umask = os.umask(0o177)  # the socket is created 0600: no window where others can connect
        try:
            sock.bind(str(path))
        except OSError as exc:
            sock.close()
            raise ReaderError(f"cannot create the control socket {path}: {exc.strerror or exc}") from exc
        finally:
            os.umask(old_umask)
        sock.listen(8)
        self._sock = sock
        self._thread = threading.Thread(target=self._serve, name="control", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._closed.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                break  # closed
            threading.Thread(target=self._request, args=(conn,), name="control-request", daemon=True).start()

    def _request(self, conn: socket.socket) -> None:
        with conn:
            try:
                self._one(conn)
            except Exception:  # a bad client must not stop the server
                _LOGGER.exception("control request failed")

    def _one(self, conn: socket.socket) -> None:
        conn.settimeout(_TIMEOUT_S)
        if not _same_user(conn):
            _LOGGER.warning("refused a control connection from another user")
            return
        request = _read_line(conn)
        try:
            message = json.loads(request)
            if not isinstance(message, dict) or message.get("cmd") not in COMMANDS:
                raise ValueError("unknown command")
            reply = self._handler(message.pop("cmd"), **message)
        except (ValueError, UnicodeDecodeError) as exc:
            reply = {"ok": False, "error": f"bad request: {exc}"}
        except ReaderError as exc:
            reply = {"ok": False, "error": str(exc)}
        conn.sendall(json.dumps(reply).encode() + b"\n")

    def close(self) -> None:
        self._closed.set()
        if self._sock is not None:
            try:
                self._sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._sock.close()
            try:
                self.path.unlink()
            except OSError:
                pass
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2)


def _same_user(conn: socket.socket) -> bool:
    if not sys.platform.startswith("linux"):
        return True  # the socket file's mode already keeps others out
    import struct

    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", creds)
    return uid == os.getuid()


def _read_line(conn: socket.socket) -> bytes:
    data = bytearray()
    while not data.endswith(b"\n"):
        block = conn.recv(65536)
        if not block:
            break
        data += block
        if len(data) > _MAX_REQUEST:
            raise ValueError("request too large")
    return bytes(data)


def send(cmd: str, path: Path | None = None, timeout: float = _TIMEOUT_S, **args) -> dict:
    """Send one command to the running instance and return its reply; ReaderError if none runs."""
    path = path or socket_path()
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(str(path))
            s.sendall(json.dumps({"cmd": cmd, **args}).encode() + b"\n")
            reply = _read_line(s)
    except (FileNotFoundError, ConnectionRefusedError):
        raise ReaderError("kokoro-reader is not running (start it with `kokoro-reader daemon`)") from None
    except OSError as exc:
        raise ReaderError(f"cannot reach the running kokoro-reader: {exc.strerror or exc}") from exc
    if not reply:
        raise ReaderError("the running kokoro-reader closed the connection without answering")
    return json.loads(reply)


__all__ = ["COMMANDS", "AlreadyRunning", "ControlServer", "send", "socket_path"]
