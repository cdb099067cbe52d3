"""sd_kokoro: a speech-dispatcher output module (its line protocol on stdin and stdout).

The protocol, as speech-dispatcher 0.11 speaks it: INIT (answered at once; the model loads
meanwhile), AUDIO (refused with 303 so that the module plays the sound itself: through the
Speaker, whose stop is a 5 ms fade, where the server's queue would keep playing what it has),
LOGLEVEL, DEBUG, LIST VOICES, SET (before every message), SPEAK / CHAR / KEY / SOUND_ICON
(data up to a line ".", a leading "." doubled), STOP and PAUSE (no reply), QUIT. Events go
out only after "200 OK SPEAKING": 701 BEGIN when the first sound is heard, 700 INDEX MARK
when the word after a mark is heard, then exactly one of 702 END, 703 STOP, 704 PAUSE.

Threads: the caller's reads commands and answers at once (it never waits for the model);
the Speaker's event thread and a mark watcher write events; every block is written whole
under one lock. Text is never logged.
"""
from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO, Protocol

from reader.speechd import ssml
from reader.speechd.names import char_name, key_name
from reader.speechd.voices import DEFAULT_VOICE, Voice, choose, list_lines

if TYPE_CHECKING:
    from reader.speaker import Heard

_LOGGER = logging.getLogger(__name__)
MARK_POLL_S = 0.01  # how often the heard word is compared with the next mark
_NULL = "NULL"


class ModuleSpeaker(Protocol):
    """What the module needs of the Speaker."""

    def say(self, text: str, voice: str | None = None, speed: float | None = None) -> int: ...

    def stop(self) -> None: ...

    def set_volume(self, volume: float) -> None: ...

    def heard(self) -> Heard | None: ...


@dataclass
class _Message:
    """One SPEAK (or CHAR, KEY...) from 200 OK SPEAKING to its last event."""

    text: str
    marks: list[tuple[int, str]]
    voice: str = "af_heart"  # as the settings were when it came
    rate: int = 0
    volume: int = 100
    utterance: int = -1  # the Speaker's number for it, once said
    begun: bool = False
    pause: bool = False  # PAUSE came: stop at the next __spd_ mark
    done: threading.Event = field(default_factory=threading.Event)


def speed_of(rate: int) -> float:
    """speech-dispatcher's rate (-100..100, 0 the voice's own) as our speed: 0.5x to 2x."""
    return round(2.0 ** (max(-100, min(100, rate)) / 100), 3)


def volume_of(volume: int) -> float:
    """-100..100 as 0..1 of the system volume (+100 is the synthesizer's default, full)."""
    return max(0.0, min(1.0, (volume + 100) / 200))


class Module:
    """The protocol over `out`; speaker() gives the Speaker (it may wait while the model
    loads). Call feed() with every line the server sends (bytes, with its newline)."""

    def __init__(self, out: BinaryIO, speaker: Callable[[], ModuleSpeaker], voices: list[Voice],
                 on_idle: Callable[[str, float], None] = lambda voice, speed: None) -> None:
        self._out = out
        self._speaker = speaker
        self._voices = voices
        self._on_idle = on_idle  # a message ended: (its voice, its speed); must not block
        self._write_lock = threading.Lock()
        self._lock = threading.Lock()  # the message in progress
        self._message: _Message | None = None
        self.settings: dict[str, str] = {}
        self._data: list[str] | None = None  # lines of the block being received
        self._block: str | None = None  # the command the block belongs to
        self.quit = threading.Event()

    # -- output -----------------------------------------------------------------------------
    def _send(self, *lines: str) -> None:
        data = "".join(line + "\n" for line in lines).encode()
        with self._write_lock:
            self._out.write(data)
            self._out.flush()

    # -- input ------------------------------------------------------------------------------
    def feed(self, raw: bytes) -> None:
        line = raw.decode("utf-8", "replace").rstrip("\n").rstrip("\r")
        if self._data is not None:
            if line == ".":
                data, command = "\n".join(self._data), self._block
                self._data = self._block = None
                self._end_block(command, data)
            else:
                self._data.append(line[1:] if line.startswith(".") else line)
            return
        command = line.strip()
        upper = command.upper()
        if upper == "INIT":
            self._send("299-kokoro: the Kokoro-82M voice, offline", "299 OK LOADED SUCCESSFULLY")
        elif upper == "AUDIO":
            self._begin_block("AUDIO", "207 OK RECEIVING AUDIO SETTINGS")
        elif upper == "LOGLEVEL":
            self._begin_block("LOGLEVEL", "207 OK RECEIVING LOGLEVEL SETTINGS")
        elif upper == "SET":
            self._begin_block("SET", "203 OK RECEIVING SETTINGS")
        elif upper in ("SPEAK", "CHAR", "KEY", "SOUND_ICON"):
            self._begin_block(upper, "202 OK RECEIVING MESSAGE")
        elif upper.startswith("LIST VOICES"):
            lines = list_lines(self._voices)
            self._send(*(f"200-{line}" for line in lines), "200 OK VOICE LIST SENT")
        elif upper == "STOP":
            self.stop()
        elif upper == "PAUSE":
            self.pause()
        elif upper.startswith("DEBUG"):
            self._send("200 OK DEBUGGING ON" if " ON" in upper else "200 OK DEBUGGING OFF")
        elif upper == "QUIT":
            self.stop()
            self._send("210 OK QUIT")
            self.quit.set()
        elif command:
            self._send("300 ERR UNKNOWN COMMAND")

    def _begin_block(self, command: str, reply: str) -> None:
        self._block, self._data = command, []
        self._send(reply)

    def _end_block(self, command: str | None, data: str) -> None:
        if command == "AUDIO":
            # The first offer is the server's own playback: refused, so that stop is ours to make
            # instant; the server then offers the device, which we take (and play ourselves).
            method = next((v for k, v in _pairs(data) if k == "audio_output_method"), "")
            self._send("303 ERROR INVALID PARAMETER OR VALUE" if method == "server" else "203 OK AUDIO INITIALIZED")
        elif command == "LOGLEVEL":
            self._send("203 OK LOGLEVEL SET")
        elif command == "SET":
            self.settings.update(_pairs(data))
            self._send("203 OK SETTINGS RECEIVED")
        elif command in ("CHAR", "KEY", "SOUND_ICON") and "\n" in data:
            self._send("305 DATA MORE THAN ONE LINE")
        elif command == "SPEAK":
            marked = ssml.parse(data)
            self._speak(_Message(marked.text, list(marked.marks)))
        elif command == "CHAR":
            text = "space" if data == "space" else char_name(data)
            if self.settings.get("cap_let_recogn", "none") == "none" and text.startswith("capital "):
                text = char_name(data.lower())  # the letter as it sounds ("a.", "e acute"): one phrase
            self._speak(_Message(text, []))
        elif command == "KEY":
            self._speak(_Message(key_name(data), []))
        elif command == "SOUND_ICON":
            self._speak(_Message(data.replace("-", " ").replace("_", " "), []))

    # -- speaking ---------------------------------------------------------------------------
    def _speak(self, message: _Message) -> None:
        if not message.text.strip() and not message.marks:
            self._send("301 ERROR CANT SPEAK")
            return
        self.stop()  # a new message replaces the old at once (ended with 703 STOP first)
        message.voice = self._voice()
        message.rate, message.volume = _int(self.settings.get("rate")), _int(self.settings.get("volume"), 100)
        self._send("200 OK SPEAKING")
        with self._lock:
            self._message = message
        threading.Thread(target=self._play, args=(message,), name="sd-message", daemon=True).start()

    def _voice(self) -> str:
        s = self.settings
        value = (lambda k: None if s.get(k, _NULL) in ("", _NULL) else s[k])
        return choose(self._voices, value("synthesis_voice"), value("language"), value("voice"))

    def _play(self, message: _Message) -> None:
        """The message's thread: say it (waiting for the model on the first message), then
        report marks as they are heard."""
        try:
            speaker = self._speaker()
        except Exception as exc:  # noqa: BLE001 - a model that cannot load: say why, end the message
            _LOGGER.error("kokoro could not load: %s", exc)
            self._finish(message, "701 BEGIN", "702 END")
            return
        with self._lock:
            if self._message is not message:
                return  # stopped while the model loaded
            try:
                speaker.set_volume(volume_of(message.volume))
                if message.text.strip():
                    message.utterance = speaker.say(message.text, voice=message.voice, speed=speed_of(message.rate))
            except Exception as exc:  # noqa: BLE001 - e.g. a voice that will not load: the message still ends
                _LOGGER.error("kokoro could not speak: %s", exc)
                self._end(message, *([] if message.begun else ["701 BEGIN"]), "702 END")
                return
        if not message.text.strip():
            self._finish(message, "701 BEGIN", *(f for _, name in message.marks for f in (f"700-{name}", "700 INDEX MARK")),
                         "702 END")
            return
        while not message.done.wait(MARK_POLL_S):
            heard = speaker.heard()
            with self._lock:
                if self._message is not message:
                    return
                if heard is None or heard.utterance != message.utterance:
                    continue
                if not message.begun:
                    message.begun = True
                    self._send("701 BEGIN")
                at = heard.word.start if heard.word is not None else heard.sentence.start
                while message.marks and message.marks[0][0] <= at:
                    _, name = message.marks.pop(0)
                    self._send(f"700-{name}", "700 INDEX MARK")
                    if message.pause and name.startswith("__spd_"):
                        speaker.stop()
                        self._end(message, "704 PAUSE")
                        return

    def finished(self, utterance: int) -> None:
        """The Speaker finished text number `utterance` (its event thread)."""
        with self._lock:
            message = self._message
            if message is None or message.utterance != utterance:
                return
            events = [] if message.begun else ["701 BEGIN"]
            for _, name in message.marks:
                events += [f"700-{name}", "700 INDEX MARK"]
            message.marks.clear()
            self._end(message, *events, "702 END")

    def failed(self) -> None:
        """The Speaker reported an error (synthesis or the audio output): the message in
        progress ends, so that the client's queue goes on."""
        with self._lock:
            message = self._message
            if message is not None:
                self._end(message, *([] if message.begun else ["701 BEGIN"]), "702 END")

    def _finish(self, message: _Message, *events: str) -> None:
        with self._lock:
            if self._message is message:
                self._end(message, *events)

    def _end(self, message: _Message, *events: str) -> None:
        """Lock held: the message's last events, once."""
        self._message = None
        message.done.set()
        for event in events:
            self._send(event)
        self._on_idle(message.voice, speed_of(message.rate))

    def stop(self) -> None:
        """STOP: silence at once and 703 STOP, for a message in progress only (an idle STOP
        gets nothing: answering it hangs speech-dispatcher 0.11)."""
        with self._lock:
            message = self._message
            if message is None:
                return
            try:
                speaker = self._speaker() if message.utterance >= 0 else None
            except Exception:  # noqa: BLE001 - never loaded: nothing plays
                speaker = None
            if speaker is not None:
                speaker.stop()
            self._end(message, *([] if message.begun else ["701 BEGIN"]), "703 STOP")

    def pause(self) -> None:
        """PAUSE: go on to the next __spd_ mark, stop there and say 704 PAUSE (the server
        resumes with the text after it); with none left, the message ends as usual."""
        with self._lock:
            if self._message is not None:
                self._message.pause = True


def _pairs(data: str) -> list[tuple[str, str]]:
    out = []
    for line in data.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            out.append((key.strip().lower(), value.strip()))
    return out


def _int(text: str | None, default: int = 0) -> int:
    try:
        return int(text) if text not in (None, "", _NULL) else default
    except ValueError:
        return default


def main(argv: list[str] | None = None) -> int:
    """sd_kokoro: speech-dispatcher starts it with its config file's path; the protocol runs
    on stdin and stdout; the log goes to stderr (the server keeps it in its log dir)."""
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="sd_kokoro: %(levelname)s %(message)s")
    from reader.speechd.voices import installed_voices

    core = _Core()
    module = Module(sys.stdout.buffer, core.speaker, installed_voices(), on_idle=core.want_phrases)
    core.on_finished, core.on_error = module.finished, module.failed
    threading.Thread(target=core.load, name="sd-load", daemon=True).start()
    stdin = sys.stdin.buffer
    while not module.quit.is_set():
        line = stdin.readline()
        if not line:  # the server went away
            break
        module.feed(line)
    module.stop()
    core.close()
    return 0


class _Core:
    """The model and a Speaker on the default output, loaded once on a thread of its own,
    and the phrase cache (keeper.py) for the voice and speed in use."""

    def __init__(self) -> None:
        self._ready = threading.Event()
        self._speaker = None
        self._sink = None
        self._keeper = None
        self._error: Exception | None = None
        self.on_finished: Callable[[int], None] = lambda utterance: None
        self.on_error: Callable[[], None] = lambda: None

    def load(self) -> None:
        try:
            import platformdirs

            from reader.assets.store import AssetStore
            from reader.audio.portaudio import SoundDeviceSink
            from reader.speaker import Listener, Speaker
            from reader.speechd.keeper import PhraseKeeper
            from reader.speechd.names import SCREEN_READER_PHRASES
            from reader.synth.core import load_core
            from reader.synth.phrases import PhraseStore

            store = AssetStore()
            synth, _ = load_core(store, voice=DEFAULT_VOICE)
            core = self

            class Events(Listener):
                def text_finished(self, utterance: int) -> None:
                    core.on_finished(utterance)

                def error(self, message: str) -> None:
                    _LOGGER.error("%s", message)
                    core.on_error()

            self._sink = SoundDeviceSink(None)
            self._speaker = Speaker(synth, self._sink, listener=Events())
            self._keeper = PhraseKeeper(self._speaker, synth, PhraseStore(Path(platformdirs.user_cache_dir("kokoro-reader")) / "phrases"),
                                        lambda voice: (store.model_path(), store.voice_path(voice)),
                                        SCREEN_READER_PHRASES)
        except Exception as exc:  # noqa: BLE001 - reported with every message
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        self._keeper.want(DEFAULT_VOICE, 1.0)
        try:
            self._sink.open()  # warm: the first message then starts without opening a device
        except Exception as exc:  # noqa: BLE001 - no device now: the first message tries again
            _LOGGER.warning("no audio output yet: %s", exc)

    def speaker(self):
        self._ready.wait()
        if self._error is not None:
            raise self._error
        return self._speaker

    def want_phrases(self, voice: str, speed: float) -> None:
        if self._keeper is not None:
            self._keeper.want(voice, speed)

    def close(self) -> None:
        if self._keeper is not None:
            self._keeper.close()
        if self._speaker is not None:
            self._speaker.close()
        if self._sink is not None:
            self._sink.close()


__all__ = ["Module", "main", "speed_of", "volume_of"]
