"""sd_kokoro's protocol (reader/speechd): the transcript speech-dispatcher 0.11 and Orca send
(written from the server's sources, /work/notes/speechd-protocol.md in the session notes),
every reply and event checked, with a stand-in Speaker whose playback the test moves.
The real server and spd-say: tests/test_speechd_audio.py."""
from __future__ import annotations

import threading
import time

import pytest

from reader.speaker import Heard
from reader.speechd import ssml
from reader.speechd.module import Module, speed_of, volume_of
from reader.speechd.names import char_name, key_name
from reader.speechd.voices import choose, installed_voices, list_lines
from reader.types import Span


class Out:
    """The module's stdout: lines as written, waited on without sleeping."""

    def __init__(self) -> None:
        self.data = b""
        self.cond = threading.Condition()

    def write(self, data: bytes) -> None:
        with self.cond:
            self.data += data
            self.cond.notify_all()

    def flush(self) -> None:
        pass

    @property
    def lines(self) -> list[str]:
        return self.data.decode().splitlines()

    def wait_for(self, line: str, count: int = 1, timeout: float = 5.0) -> None:
        with self.cond:
            assert self.cond.wait_for(lambda: self.lines.count(line) >= count, timeout), \
                f"no {line!r} (x{count}) in {self.lines[-12:]}"


class Player:
    """Stands in for the Speaker: say() numbers the texts; heard() is where the test says
    playback is; finish() ends the text as the Speaker's event thread would."""

    def __init__(self) -> None:
        self.said: list[tuple[str, str, float]] = []
        self.stops = 0
        self.volume = None
        self.now: Heard | None = None
        self.module: Module | None = None
        self.cond = threading.Condition()

    def say(self, text, voice=None, speed=None) -> int:
        with self.cond:
            self.said.append((text, voice, speed))
            self.now = None
            self.cond.notify_all()
            return len(self.said)

    def wait_said(self, check, timeout: float = 5.0) -> None:
        """Until the message threads have said what check() wants."""
        with self.cond:
            assert self.cond.wait_for(lambda: check(self.said), timeout), self.said

    def stop(self) -> None:
        self.stops += 1
        self.now = None

    def set_volume(self, volume) -> None:
        self.volume = volume

    def heard(self):
        return self.now

    def at(self, offset: int) -> None:
        """Playback has reached the word at offset of the last text."""
        text = self.said[-1][0]
        end = text.find(" ", offset)
        self.now = Heard(len(self.said), text, Span(0, len(text)), Span(offset, len(text) if end < 0 else end))

    def finish(self) -> None:
        self.module.finished(len(self.said))


@pytest.fixture
def rig():
    out, player = Out(), Player()
    module = Module(out, lambda: player, installed_voices())
    player.module = module

    def send(*lines: str) -> None:
        for line in lines:
            module.feed((line + "\n").encode())

    return module, out, player, send


SETTINGS = ["SET", "pitch=0", "pitch_range=0", "rate=0", "volume=100", "punctuation_mode=none",
            "spelling_mode=off", "cap_let_recogn=none", "voice=female1", "language=en", "synthesis_voice=NULL", "."]


def test_start_up_as_the_server_does_it(rig):
    module, out, _, send = rig
    send("INIT")
    assert out.lines == ["299-kokoro: the Kokoro-82M voice, offline", "299 OK LOADED SUCCESSFULLY"]
    send("AUDIO", "audio_output_method=server", ".")  # refused: the module plays itself
    send("AUDIO", "audio_output_method=pulse", "audio_pulse_device=default", ".")
    send("LOGLEVEL", "log_level=0", ".")
    send("LIST VOICES")
    assert out.lines[2:8] == ["207 OK RECEIVING AUDIO SETTINGS", "303 ERROR INVALID PARAMETER OR VALUE",
                              "207 OK RECEIVING AUDIO SETTINGS", "203 OK AUDIO INITIALIZED",
                              "207 OK RECEIVING LOGLEVEL SETTINGS", "203 OK LOGLEVEL SET"]
    voices = out.lines[8:]
    assert voices[-1] == "200 OK VOICE LIST SENT" and len(voices) == 55
    assert all(v.startswith("200-") and len(v[4:].split("\t")) == 3 for v in voices[:-1])
    assert "200-af_heart\ten-US\tfemale" in voices and "200-bm_george\ten-GB\tmale" in voices
    send("STOP")  # idle: no answer (an answer hangs speech-dispatcher 0.11 at shutdown)
    send("QUIT")
    assert out.lines[-1] == "210 OK QUIT" and module.quit.is_set()


def test_a_message_with_marks_reports_them_as_they_are_heard(rig):
    module, out, player, send = rig
    send(*SETTINGS)
    assert out.lines == ["203 OK RECEIVING SETTINGS", "203 OK SETTINGS RECEIVED"]
    send("SPEAK", '<speak>Hello world.<mark name="__spd_0"/> Second &lt;b&gt; &amp; <mark name="m1"/>"q"',
         "..dotted line</speak>", ".")
    out.wait_for("200 OK SPEAKING")
    player.wait_said(len)  # the message thread says it at once (the Speaker is ready)
    text, voice, speed = player.said[0]
    assert text == 'Hello world. Second <b> & "q"\n.dotted line' and voice == "af_heart" and speed == 1.0
    assert "701 BEGIN" not in out.lines  # nothing is heard yet
    player.at(0)
    out.wait_for("701 BEGIN")
    player.at(text.index("Second"))
    out.wait_for("700 INDEX MARK")
    assert out.lines[-2:] == ["700-__spd_0", "700 INDEX MARK"]
    player.at(text.index('"q"'))
    out.wait_for("700 INDEX MARK", 2)
    player.finish()
    out.wait_for("702 END")
    events = out.lines[out.lines.index("200 OK SPEAKING") + 1:]
    assert events == ["701 BEGIN", "700-__spd_0", "700 INDEX MARK", "700-m1", "700 INDEX MARK", "702 END"]


def test_stop_silences_and_ends_with_703_and_a_new_message_replaces_the_old(rig):
    module, out, player, send = rig
    send(*SETTINGS, "SPEAK", "<speak>One two three.</speak>", ".")
    out.wait_for("200 OK SPEAKING")
    send("STOP")
    out.wait_for("703 STOP")
    assert player.stops <= 1  # stopped before the model said it, or at once after
    before = len(out.lines)
    send("STOP")  # the message is over: nothing more
    assert len(out.lines) == before
    send(*SETTINGS, "SPEAK", "<speak>First.</speak>", ".", *SETTINGS, "SPEAK", "<speak>Second.</speak>", ".")
    out.wait_for("200 OK SPEAKING", 3)
    tail = out.lines[before:]
    # The first message ends (703) before the second is accepted; one terminal event each.
    assert tail.count("703 STOP") == 1 and tail.index("703 STOP") < len(tail) - 1 - tail[::-1].index("200 OK SPEAKING")


def test_pause_stops_at_the_next_sentence_mark(rig):
    module, out, player, send = rig
    send(*SETTINGS, "SPEAK", '<speak>One.<mark name="__spd_0"/> Two.<mark name="__spd_1"/> Three.</speak>', ".")
    out.wait_for("200 OK SPEAKING")
    player.wait_said(len)
    text = player.said[0][0]
    player.at(0)
    out.wait_for("701 BEGIN")
    send("PAUSE")  # no reply; goes on to the next __spd_ mark
    assert out.lines[-1] == "701 BEGIN"
    player.at(text.index("Two"))
    out.wait_for("704 PAUSE")
    assert out.lines[-3:] == ["700-__spd_0", "700 INDEX MARK", "704 PAUSE"] and player.stops == 1


def test_characters_keys_and_settings_are_said_as_a_screen_reader_user_expects(rig):
    module, out, player, send = rig
    settings = [s.replace("cap_let_recogn=none", "cap_let_recogn=spell").replace("rate=0", "rate=50")
                .replace("volume=100", "volume=0") for s in SETTINGS]
    send(*SETTINGS, "CHAR", "A", ".")  # capitals not announced: the letter, one cached phrase with "a"
    send(*settings, "CHAR", "A", ".")
    send(*settings, "CHAR", "..", ".")  # a dot, dot-stuffed
    send(*settings, "CHAR", "space", ".")
    send(*settings, "KEY", "shift_L", ".")
    send(*settings, "KEY", "control_alt_delete", ".")
    send("CHAR", "two", "lines", ".")
    out.wait_for("200 OK SPEAKING", 5)
    assert out.lines[-1] == "305 DATA MORE THAN ONE LINE"
    player.wait_said(lambda said: len(said) == 6)
    assert [t for t, _, _ in player.said] == ["a.", "capital A", "dot", "space", "shift", "control alt delete"]
    assert player.said[1][2] == speed_of(50) and player.volume == volume_of(0) == 0.5


def test_fifty_speak_and_stop_pairs_in_two_seconds_never_hang_or_cross(rig):
    """A screen reader interrupts all the time: every message gets its 200 and exactly one
    terminal event, in order, and the module answers at once throughout."""
    module, out, player, send = rig
    began = time.monotonic()
    for k in range(50):
        send(*SETTINGS, "SPEAK", f"<speak>Message {k}.</speak>", ".", "STOP")
    send("SPEAK", "<speak>Last.</speak>", ".")
    out.wait_for("200 OK SPEAKING", 51)
    assert time.monotonic() - began < 2.0
    player.wait_said(lambda said: said and said[-1][0] == "Last.")
    player.finish()
    out.wait_for("702 END")
    lines = [line for line in out.lines if line[:3] in ("200", "701", "702", "703", "704")]
    messages, open_ = 0, False
    for line in lines:
        if line == "200 OK SPEAKING":
            assert not open_, "a message began before the last one ended"
            open_, messages = True, messages + 1
        elif line in ("702 END", "703 STOP", "704 PAUSE"):
            assert open_, f"{line} outside a message"
            open_ = False
    assert messages == 51 and not open_


def test_ssml_names_voices_and_mappings():
    from reader.speechd.voices import SPEECHD_LANGUAGES
    from reader.text.language import LANGUAGES

    assert set(SPEECHD_LANGUAGES) == set(LANGUAGES)
    assert ssml.parse('<speak>a<mark name="x"/> b &amp; c</speak>') == ssml.Marked("a b & c", ((1, "x"),))
    assert ssml.parse("no tags &lt;here&gt;").text == "no tags <here>"
    # Alone, "a" is the article ("uh"): "a." is the letter's name.
    assert [char_name(c) for c in "abA?5é"] == ["a.", "b", "capital A", "question mark", "five", "e acute"]
    assert key_name("kp-enter") == "keypad enter" and key_name("Shift_R") == "shift"
    voices = installed_voices()
    assert len(list_lines(voices)) == 54
    assert choose(voices, None, "en", "female1") == "af_heart"
    assert choose(voices, None, "en", "male1").startswith("am_")
    assert choose(voices, None, "en-GB", "female1").startswith("bf_")
    assert choose(voices, "bf_emma", "en", "male1") == "bf_emma"
    assert choose(voices, "nobody", "fr", None).startswith("f")
    assert choose(voices, None, "c", None) == "af_heart" and choose(voices, None, "de", "male2").startswith("am_")
    assert speed_of(0) == 1.0 and speed_of(100) == 2.0 and speed_of(-100) == 0.5
    assert volume_of(100) == 1.0 and volume_of(-100) == 0.0


def test_install_and_uninstall_touch_only_what_is_ours(tmp_path, monkeypatch):
    from reader.speechd import install

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    script = tmp_path / "bin" / "sd_kokoro"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\n")
    monkeypatch.setattr(install, "executable", lambda: script)
    conf = tmp_path / "config" / "speech-dispatcher" / "speechd.conf"
    conf.parent.mkdir(parents=True)
    mine = 'LogLevel 3\nAddModule "espeak-ng" "sd_espeak-ng" "espeak-ng.conf"\nDefaultModule espeak-ng\n'
    conf.write_text(mine)
    install.install()
    link = tmp_path / "libexec" / "speech-dispatcher-modules" / "sd_kokoro"
    assert link.resolve() == script.resolve()
    assert (tmp_path / "config" / "speech-dispatcher" / "modules" / "kokoro.conf").exists()
    assert conf.read_text().startswith(mine) and 'AddModule "kokoro" "sd_kokoro" "kokoro.conf"' in conf.read_text()
    install.install()  # twice: still one line
    assert conf.read_text().count('AddModule "kokoro"') == 1
    install.uninstall()
    assert not link.exists() and not link.is_symlink() and conf.read_text() == mine
    assert not (tmp_path / "config" / "speech-dispatcher" / "modules" / "kokoro.conf").exists()
    assert install.uninstall() == []


def test_a_message_always_ends_when_speaking_fails(rig):
    """A voice that will not load, or the audio output failing mid-message: the message ends
    (702) so that the client's queue goes on."""
    module, out, player, send = rig

    def broken(text, voice=None, speed=None):
        raise RuntimeError("no such voice")

    player.say = broken
    send(*SETTINGS, "SPEAK", "<speak>Hello.</speak>", ".")
    out.wait_for("702 END")
    assert out.lines[-3:] == ["200 OK SPEAKING", "701 BEGIN", "702 END"]
    del player.say  # the class's again
    send(*SETTINGS, "SPEAK", "<speak>Hello again.</speak>", ".")
    player.wait_said(len)
    player.at(0)
    out.wait_for("701 BEGIN", 2)
    module.failed()  # the Speaker's error event: the device went away
    out.wait_for("702 END", 2)
    send("STOP")  # over already: no answer
    assert out.lines[-1] == "702 END"
