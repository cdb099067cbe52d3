"""What each user command does, whoever sends it: hotkey, tray menu, control socket.

No Qt here: the ui subscribes to changes with on_change and shows them. Commands may come
from any thread. status, stop, pause, resume and toggle act at once on the calling thread:
the Speaker's methods only post work, and silence must never wait for a long operation. The
others run in order on one "commands" thread the Controller owns (capturing the selection
runs helper programs for up to seconds, which must never block the GUI thread; a changed
setting is saved to disk). Until the speech core has loaded, commands wait and run once it
is ready.
"""
from __future__ import annotations

import json
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass

from reader.desktop.clipboard import ClipboardPolicy
from reader.notify import notify
from reader.synth.pace import SLOW_PACE, slow_message
from reader.text.lexicon import Lexicon, entries_from_json, first_word
from reader.types import ReaderError, Span

_LOGGER = logging.getLogger(__name__)

ACTIONS = ("read-selection", "read-clipboard", "pause", "resume", "toggle", "stop", "next", "previous",
           "next-word", "previous-word", "faster", "slower", "say", "auto-read", "settings", "view", "quit", "lexicon")
# Commands that only post to the Speaker: done on the caller's thread, never queued behind a
# read-selection that is still capturing the selection or a setting being saved.
AT_ONCE = ("pause", "resume", "toggle", "stop")


@dataclass(frozen=True)
class Status:
    """What the tray and `ctl status` show."""

    state: str  # loading, idle, speaking, paused, error
    voice: str
    speed: float
    sentence: int | None  # index of the sentence being read
    auto_read: bool
    message: str  # the last error or notice, "" if none (never user text)
    pace: float | None = None  # seconds of audio made per second of work, as last measured

    def as_dict(self) -> dict:
        return {"state": self.state, "voice": self.voice, "speed": self.speed, "sentence": self.sentence,
                "auto_read": self.auto_read, "message": self.message, "pace": self.pace}


class Controller:
    """Maps commands to the Speaker and the text sources; keeps the status.

    Not responsible for loading the core (the app does, then calls attach()), for showing
    anything (on_change subscribers) or for the clipboard watcher (the ui hands changes to
    clipboard_changed()).
    """

    def __init__(self, desktop, *, voice: str = "af_heart", speed: float = 1.0,
                 cue: Callable[[str], None] | None = None) -> None:
        self._desktop = desktop
        self.cue: Callable[[str], None] = cue or (lambda reason: None)  # "empty" or "error"; any thread
        self.clipboard_policy = ClipboardPolicy()
        self._speaker = None
        self._lock = threading.Lock()
        self._status = Status("loading", voice, speed, None, False, "")
        self._slow_said = ""  # the slow-computer notice last shown, to clear it once speech keeps up
        self._observers: list[Callable[[Status], None]] = []
        # Commands as (name, args, stops when asked for): a read asked for before the latest
        # stop is dropped, even one whose selection was being captured when the stop came.
        self._pending: list[tuple[str, dict, int]] = []
        self._queue: queue.Queue[tuple[str, dict, int] | None] = queue.Queue()
        self._stops = 0  # stop commands so far
        self._read_lock = threading.Lock()  # orders a read's say() with a stop
        self.on_settings: Callable[[], None] | None = None  # set by the ui
        self.on_view: Callable[[], None] | None = None  # opens the reading view; set by the ui
        self.view_word: Callable[[], tuple[int, int] | None] | None = None  # what the view lights; the ui
        # The user changed a setting with a command (faster, slower, auto-read): {field: value},
        # on the commands thread. The app saves it.
        self.on_settings_changed: Callable[[dict], None] | None = None
        self._settings = None  # the preferences apply_settings() gave, for a speaker attached later
        self.on_quit: Callable[[], None] | None = None
        self.last_word = ""  # the first word of the last selection read, for "Add pronunciation..."
        self._thread = threading.Thread(target=self._run, name="commands", daemon=True)
        self._thread.start()

    # -- status ---------------------------------------------------------------------------
    @property
    def speaker(self):
        """The Speaker once the core has loaded, else None."""
        return self._speaker

    @property
    def status(self) -> Status:
        return self._status

    @property
    def settings(self):
        """The preferences in force (a settings.model.Settings), None before any."""
        return self._settings

    def on_change(self, callback: Callable[[Status], None]) -> None:
        """callback(status) on whichever thread changed it; a ui must hand it to its own."""
        self._observers.append(callback)

    def _update(self, **changes) -> None:
        with self._lock:
            old = self._status
            self._status = status = Status(**{**old.as_dict(), **changes})
        if status != old:
            for callback in self._observers:
                notify(callback, status, who="status observer")

    # -- life -----------------------------------------------------------------------------
    def attach(self, speaker) -> None:
        """The core is ready: speak through `speaker` and run what waited. Any thread."""
        with self._lock:
            self._speaker = speaker
            pending, self._pending = self._pending, []
            settings = self._settings
        if settings is not None:
            self._apply_to(speaker, settings)
        self._update(state="idle", **({} if settings is None else {"voice": speaker.voice, "speed": speaker.speed}))
        for item in pending:
            self._queue.put(item)

    def fail(self, message: str) -> None:
        self._update(state="error", message=message)

    def notice(self, message: str) -> None:
        """Something the user should know that is not an error state (shown in the tooltip)."""
        self._update(message=message)

    def apply_settings(self, settings) -> None:
        """Speak with these preferences (a config.Settings) from now on. Any thread; the
        speaker's methods only post work, so this returns at once."""
        with self._lock:
            self._settings = settings
            speaker = self._speaker
        self.clipboard_policy.enabled = settings.auto_read
        self.clipboard_policy.max_chars = settings.auto_read_max_chars
        if speaker is None:
            self._update(voice=settings.voice, speed=settings.speed, auto_read=settings.auto_read)
            return
        self._apply_to(speaker, settings)
        self._update(voice=speaker.voice, speed=speaker.speed, auto_read=settings.auto_read)

    def _apply_to(self, speaker, settings) -> None:
        try:
            if speaker.voice != settings.voice:
                speaker.set_voice(settings.voice)
            if speaker.speed != settings.speed:
                speaker.set_speed(settings.speed)  # restarts the chunk being heard: only on a change
        except ReaderError as exc:
            self.notice(str(exc))
        speaker.set_volume(settings.volume)
        speaker.set_sentence_pause(settings.sentence_pause)
        speaker.as_written = frozenset(settings.read_as_written)
        speaker.lexicon = Lexicon.with_defaults(settings.lexicon)
        speaker.language_mode = settings.language_mode
        speaker.language_voices = settings.language_voices

    def _settings_changed(self, **fields) -> None:
        if self.on_settings_changed is not None:
            try:
                self.on_settings_changed(fields)
            except Exception:
                _LOGGER.exception("saving a changed setting failed")

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=5)

    # -- Speaker listener (speaker-events thread) -----------------------------------------
    def state_changed(self, state) -> None:
        self._update(state=state.value, sentence=None if state.value == "idle" else self._status.sentence,
                     message="" if state.value != "error" else self._status.message)

    def sentence_started(self, index: int, span: Span) -> None:
        speaker = self._speaker
        pace = speaker.pace if speaker is not None else None
        changes: dict = {"sentence": index, "pace": None if pace is None else round(pace, 2)}
        if pace is not None and pace < SLOW_PACE:
            # The tooltip says why it pauses between words, and what helps.
            changes["message"] = self._slow_said = slow_message(pace)
        elif self._slow_said and self._status.message == self._slow_said:
            changes["message"] = self._slow_said = ""
        self._update(**changes)

    def finished(self) -> None:
        pass

    def text_finished(self, utterance: int) -> None:
        pass

    def error(self, message: str) -> None:
        self._update(state="error", message=message)

    # -- commands -------------------------------------------------------------------------
    def command(self, name: str, **args) -> dict:
        """Do a command of AT_ONCE now on this thread (status answers at once), queue the
        others for the commands thread. Thread-safe, never waits for a queued command."""
        if name == "status":
            speaker = self._speaker
            heard = speaker.heard() if speaker is not None else None
            word = heard.word if heard is not None else None
            lit = self.view_word() if self.view_word is not None else None
            # The word heard now, as [start, end) in the text being read, and that text's number;
            # and the word the reading view lights, while it is shown.
            return {"ok": True, **self._status.as_dict(), "utterance": heard.utterance if heard else None,
                    "word": [word.start, word.end] if word else None, "view_word": list(lit) if lit else None}
        if name not in ACTIONS:
            raise ReaderError(f"unknown command {name!r}")
        if name == "say" and not str(args.get("text", "")).strip():
            raise ReaderError("nothing to say")
        if name == "lexicon":
            try:
                entries_from_json(json.dumps(args.get("entries")))
            except (TypeError, ValueError) as exc:
                raise ReaderError(f"lexicon: {exc}") from None
        if name in AT_ONCE and self._at_once(name):
            return {"ok": True, "done": name, "state": self._status.state}
        self._queue.put((name, args, self._stops))
        return {"ok": True, "queued": name, "state": self._status.state}

    def _at_once(self, name: str) -> bool:
        """Stop, pause, resume or toggle on the calling thread. False while the core loads:
        then a pause, resume or toggle waits like any command (a stop has nothing to stop,
        and the reads that waited for the core are dropped)."""
        with self._read_lock:  # a read about to start speaking does so first; then this stops it
            if name == "stop":
                self._stops += 1
            speaker = self._speaker
        if speaker is None:
            return name == "stop"
        _speaker_call(speaker, name)()
        return True

    def selection_changed(self, text: str | None) -> None:
        """The selection has settled on new text (GUI thread): get its first words ready, so
        that the read-selection hotkey answers from ready audio."""
        self._prepare(text)

    def _prepare(self, text: str | None) -> None:
        settings, speaker = self._settings, self._speaker
        if text and text.strip() and speaker is not None and (settings is None or settings.speculate):
            speaker.prepare(text)  # never played unless asked for; in memory only

    def clipboard_changed(self, text: str | None, formats: list[str]) -> None:
        """The ui's clipboard watcher saw a change (GUI thread): read it if the policy says so."""
        decision = self.clipboard_policy.decide(text, formats)
        if decision.read:
            self._queue.put(("say", {"text": text}, self._stops))
        elif decision.reason == "off":  # not a secret, not our own copy: read-clipboard may follow
            self._prepare(text)
        elif decision.reason == "too long":
            self.notice(f"the copied text is longer than {self.clipboard_policy.max_chars} characters, "
                        "the auto-read limit in the settings: not read")
            self.cue("too long")

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            name, args, stops = item
            try:
                self._do(name, args, stops)
            except ReaderError as exc:
                self._update(message=str(exc))
                self.cue("error")
            except Exception:
                _LOGGER.exception("command %s failed", name)

    def _do(self, name: str, args: dict, stops: int) -> None:
        if name == "auto-read":
            enabled = args.get("enabled")
            self.clipboard_policy.enabled = (not self.clipboard_policy.enabled) if enabled is None else bool(enabled)
            self._update(auto_read=self.clipboard_policy.enabled)
            self._settings_changed(auto_read=self.clipboard_policy.enabled)
            return
        if name == "settings":
            if self.on_settings:
                self.on_settings()
            return
        if name == "view":
            if self.on_view:
                self.on_view()
            return
        if name == "lexicon":  # `kokoro-reader lexicon` while the daemon runs: its saved entries
            self._settings_changed(lexicon=entries_from_json(json.dumps(args.get("entries", []))))
            return
        if name == "quit":
            if self.on_quit:
                self.on_quit()
            return
        speaker = self._speaker
        if speaker is None:  # still loading: honour it when ready
            with self._lock:
                if self._speaker is None:
                    self._pending = [p for p in self._pending if p[0] != name][-7:] + [(name, args, stops)]
                    return
                speaker = self._speaker
        if name == "read-selection":
            text = self._desktop.selection().text
            self.last_word = first_word(text)  # in memory only: for "Add pronunciation..."
            self._read(text, speaker, stops)
        elif name == "read-clipboard":
            self._read(self._desktop.clipboard(), speaker, stops)
        elif name == "say":
            self._read(str(args.get("text", "")), speaker, stops)
        elif name in ("faster", "slower"):
            _speaker_call(speaker, name)()
            self._update(speed=speaker.speed)
            self._settings_changed(speed=speaker.speed)
        else:
            _speaker_call(speaker, name)()

    def _read(self, text: str, speaker, stops: int) -> None:
        """Speak text unless a stop came since it was asked for (commands thread)."""
        with self._read_lock:
            if stops != self._stops:
                return
            if text and text.strip():
                speaker.say(text)  # only posts work: a stop waits for no more than that
                return
        self.cue("empty")  # a short cue, nothing else


def _speaker_call(speaker, name: str) -> Callable[[], None]:
    """The Speaker method a command name stands for."""
    return {"pause": speaker.pause, "resume": speaker.resume, "toggle": speaker.toggle, "stop": speaker.stop,
            "next": speaker.next_sentence, "previous": speaker.previous_sentence, "next-word": speaker.next_word,
            "previous-word": speaker.previous_word, "faster": speaker.faster, "slower": speaker.slower}[name]


__all__ = ["ACTIONS", "AT_ONCE", "Controller", "Status"]
