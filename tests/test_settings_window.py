"""The settings window on real widgets, driven by the keyboard only (pytest-qt, offscreen).

The window is wired as the daemon wires it: OK/Apply go through LiveSettings to a settings
file and a real Speaker (fake synthesizer, FakeSink), so the tests read the results there.
"""
from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QLabel, QWidget

from reader.audio.fake import FakeSink
from reader.daemon.controller import Controller
from reader.desktop.hotkeys import DEFAULT_HOTKEYS
from reader.settings.file import SettingsFile
from reader.settings.live import LiveSettings
from reader.settings.model import Settings
from reader.settings.preferences import Preferences
from reader.speaker import Speaker
from reader.synth.synthesizer import Synthesizer
from reader.ui.settings import SettingsDialog
from reader.ui.voicepicker import VoiceChoice
from tests.fakes import NAMES, FakeEngine, FakeG2P, fake_voices, language_of
from tests.test_config import FakeHotkeys
from tests.test_control import FakeDesktop

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
Key, Mod = Qt.Key, Qt.KeyboardModifier
# A big virtual screen, so that the window opens at its full size at 100 % and at 200 %.
_SCREEN = Path(tempfile.gettempdir()) / "kokoro-reader-offscreen.json"
_SCREEN.write_text(json.dumps({"screens": [{"name": "test", "x": 0, "y": 0, "width": 3840, "height": 3000,
                                            "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
OFFSCREEN = f"offscreen:configfile={_SCREEN}"


@pytest.fixture(scope="session")
def qapp_args():
    """Offscreen, chosen by argument: an environment variable would reach the daemons other tests start."""
    return ["kokoro-reader-tests", "-platform", OFFSCREEN]


class Rig:
    """A settings file, a Speaker on fakes, the daemon's Controller and LiveSettings, and the window."""

    def __init__(self, qtbot, tmp_path: Path) -> None:
        self.qtbot = qtbot
        self.path = tmp_path / "settings.json"
        SettingsFile(self.path).save(Settings())
        self.before = self.path.read_bytes()
        file = SettingsFile(self.path)
        self.prefs = Preferences(file, file.load().settings)
        self.sink = FakeSink()
        self.speaker = Speaker(Synthesizer(FakeEngine(), fake_voices(tmp_path), FakeG2P(), language_of), self.sink)
        self.controller = Controller(FakeDesktop())
        self.autostart = {"enabled": False}
        self.live = LiveSettings(self.prefs, self.controller, hotkeys_factory=FakeHotkeys,
                                 set_autostart=lambda on: self.autostart.update(enabled=on),
                                 autostart_enabled=lambda: self.autostart["enabled"])
        self.live.attach_sink(self.sink)
        self.controller.attach(self.speaker)
        self.previews: list[tuple[str, float]] = []
        self.dialog = None

    def open(self) -> SettingsDialog:
        voices = [VoiceChoice(name, language_of(name), name[1]) for name in NAMES]
        self.dialog = SettingsDialog(self.prefs.current, voices, self.live.apply, preview=self.preview,
                                     devices=lambda: ["Speakers", "Headphones"])
        self.qtbot.addWidget(self.dialog)
        self.dialog.show()
        self.qtbot.waitExposed(self.dialog)
        self.qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
        return self.dialog

    def preview(self, voice: str, speed: float) -> None:
        self.previews.append((voice, speed))
        self.speaker.say("This is how I sound.", voice=voice, speed=speed)

    def key(self, key, modifiers=Mod.NoModifier, times: int = 1) -> None:
        """Press a key where the keyboard focus is, as a user would."""
        for _ in range(times):
            self.qtbot.keyClick(QApplication.focusWidget() or self.dialog, key, modifiers)

    def saved(self) -> dict:
        return json.loads(self.path.read_text())

    def close(self) -> None:
        self.controller.close()
        self.speaker.close()


@pytest.fixture
def rig(qtbot, tmp_path):
    FakeHotkeys.started = []
    r = Rig(qtbot, tmp_path)
    yield r
    r.close()


def control_of(widget: QWidget) -> QWidget:
    """The control a focusable widget belongs to (a spin box's inner line edit -> the spin box)."""
    while widget.focusProxy() is not None:
        widget = widget.focusProxy()
    return widget


def focused() -> QWidget:
    return control_of(QApplication.focusWidget())


def test_keyboard_only_change_voice_speed_volume_and_a_hotkey_then_ok(rig):
    dialog = rig.open()
    assert focused() is dialog.voice.filter  # focus lands on the first control
    rig.qtbot.keyClicks(dialog.voice.filter, "af_")  # af_bella, af_heart remain; af_heart is chosen
    rig.key(Key.Key_Tab)
    assert focused() is dialog.voice.tree
    rig.key(Key.Key_Up)  # -> af_bella
    rig.key(Key.Key_S, Mod.AltModifier)  # the "&Speed" label's mnemonic
    assert focused() is dialog.speed
    rig.key(Key.Key_Up, times=4)  # 1.00 -> 1.20
    rig.key(Key.Key_L, Mod.AltModifier)  # Vo&lume
    assert focused() is dialog.volume
    rig.key(Key.Key_Down, times=4)  # 100 % -> 80 %
    rig.key(Key.Key_T, Mod.AltModifier)  # S&top
    assert focused() is dialog.recorders["stop"]
    rig.key(Key.Key_Space)  # record
    assert dialog.recorders["stop"].recording
    rig.key(Key.Key_X, Mod.ControlModifier | Mod.AltModifier)
    assert dialog.recorders["stop"].combo == "<ctrl>+<alt>+x"
    assert "Ctrl+Alt+X" in dialog.recorders["stop"].accessibleName()
    rig.key(Key.Key_Return)  # Enter = OK
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()

    saved = rig.saved()
    assert (saved["voice"], saved["speed"], saved["volume"]) == ("af_bella", 1.2, 0.8)
    assert saved["hotkeys"]["stop"] == "<ctrl>+<alt>+x" and saved["hotkeys"]["toggle"] == DEFAULT_HOTKEYS["toggle"]
    assert (rig.speaker.voice, rig.speaker.speed, rig.sink.volume) == ("af_bella", 1.2, 0.8)
    assert FakeHotkeys.started[-1].bindings["stop"] == "<ctrl>+<alt>+x"  # the listener was restarted
    assert rig.controller.status.voice == "af_bella" and rig.controller.status.speed == 1.2


@pytest.mark.parametrize("close", ["escape", "cancel button"])
def test_cancel_leaves_file_and_speaker_unchanged(rig, close):
    dialog = rig.open()
    rig.key(Key.Key_Tab)
    rig.key(Key.Key_Down)  # another voice
    rig.key(Key.Key_S, Mod.AltModifier)
    rig.key(Key.Key_Up, times=6)
    rig.key(Key.Key_T, Mod.AltModifier)
    rig.key(Key.Key_Space)
    rig.key(Key.Key_Q, Mod.ControlModifier | Mod.AltModifier)
    assert dialog.values() != rig.prefs.current
    if close == "escape":
        rig.key(Key.Key_Escape)
    else:  # Tab to Cancel, then Space presses it
        cancel = dialog.buttons.button(dialog.buttons.StandardButton.Cancel)
        for _ in range(40):
            if focused() is cancel:
                break
            rig.key(Key.Key_Tab)
        rig.key(Key.Key_Space)
    assert dialog.result() == QDialog.DialogCode.Rejected and not dialog.isVisible()
    assert rig.path.read_bytes() == rig.before
    assert (rig.speaker.voice, rig.speaker.speed, rig.sink.volume) == ("af_heart", 1.0, 1.0)
    assert FakeHotkeys.started == []


def test_escape_while_recording_cancels_only_the_recording_and_backspace_clears(rig):
    dialog = rig.open()
    recorder = dialog.recorders["next"]
    rig.key(Key.Key_X, Mod.AltModifier)  # Ne&xt sentence
    assert focused() is recorder
    rig.key(Key.Key_Space)
    rig.key(Key.Key_R)  # a letter alone is refused: it would stop the user from typing it
    assert recorder.recording and "Ctrl, Alt or Super" in dialog.status.text()
    rig.key(Key.Key_Escape)
    assert not recorder.recording and recorder.combo == DEFAULT_HOTKEYS["next"] and dialog.isVisible()
    rig.key(Key.Key_Space)
    rig.key(Key.Key_Backspace)
    assert recorder.combo == "" and recorder.text() == "None"
    rig.key(Key.Key_Return)
    assert rig.saved()["hotkeys"]["next"] == ""


def test_a_conflict_is_shown_in_words_and_blocks_ok_until_resolved(rig):
    dialog = rig.open()
    rig.key(Key.Key_T, Mod.AltModifier)
    rig.key(Key.Key_Space)
    rig.key(Key.Key_R, Mod.ControlModifier | Mod.AltModifier)  # what Read selection uses
    conflict = dialog.conflicts["stop"]
    assert conflict.isVisible() and "Read selection" in conflict.text()
    assert "Stop" in dialog.conflicts["read-selection"].text()
    assert "Conflict" in dialog.recorders["stop"].accessibleDescription()
    assert not dialog.ok.isEnabled() and not dialog.apply_button.isEnabled()
    rig.key(Key.Key_Return)  # OK is disabled: nothing happens
    assert dialog.isVisible() and rig.path.read_bytes() == rig.before
    rig.key(Key.Key_Space)
    rig.key(Key.Key_F12, Mod.ControlModifier)
    assert not conflict.isVisible() and dialog.ok.isEnabled()
    rig.key(Key.Key_Return)
    assert rig.saved()["hotkeys"]["stop"] == "<ctrl>+<f12>"


def test_preview_blend_device_pause_and_clipboard_by_keyboard(rig):
    dialog = rig.open()
    rig.key(Key.Key_B, Mod.AltModifier)  # &Blend with
    rig.key(Key.Key_Down)  # None -> the first voice
    rig.key(Key.Key_P, Mod.AltModifier)  # &Preview: a button's own mnemonic presses it
    rig.qtbot.waitUntil(lambda: len(rig.previews) == 1)
    assert rig.previews == [("af_heart:1,af_bella:0.3", 1.0)]
    assert rig.speaker.voice == "af_heart" and rig.path.read_bytes() == rig.before  # a preview changes nothing
    rig.key(Key.Key_D, Mod.AltModifier)  # Output &device
    assert dialog.device.currentText() == "System default"
    rig.key(Key.Key_Down)
    rig.key(Key.Key_U, Mod.AltModifier)  # Pa&use between sentences
    rig.key(Key.Key_Up, times=3)
    rig.key(Key.Key_Y, Mod.AltModifier)  # Read what I cop&y: toggles the check box
    rig.qtbot.waitUntil(dialog.auto_read.isChecked)
    rig.key(Key.Key_G, Mod.AltModifier)  # Start at lo&gin (shares G with a weight: Qt cycles)
    if focused() is not dialog.autostart:
        rig.key(Key.Key_G, Mod.AltModifier)
    rig.key(Key.Key_Space)
    rig.key(Key.Key_Return)
    saved = rig.saved()
    assert saved["voice"] == "af_heart:1,af_bella:0.3" and saved["device"] == "Speakers"
    assert saved["sentence_pause"] == 0.3 and saved["auto_read"] is True and saved["autostart"] is True
    assert rig.sink.device == "Speakers" and rig.speaker.sentence_pause == 0.3
    assert rig.controller.clipboard_policy.enabled and rig.autostart["enabled"]


def test_apply_keeps_the_window_open_and_reset_restores_defaults(rig):
    rig.prefs.change(speed=1.5, auto_read=True)
    dialog = rig.open()
    assert dialog.speed.value() == 1.5
    rig.key(Key.Key_E, Mod.AltModifier)  # R&eset to defaults (shares E with a weight: Qt cycles)
    if focused() is not dialog.reset:
        rig.key(Key.Key_E, Mod.AltModifier)
    rig.key(Key.Key_Space)
    assert dialog.speed.value() == 1.0 and not dialog.auto_read.isChecked()
    assert rig.saved()["speed"] == 1.5  # not until Apply
    dialog.apply_button.setFocus()
    rig.key(Key.Key_Space)
    assert dialog.isVisible() and rig.saved()["speed"] == 1.0 and rig.speaker.speed == 1.0
    assert "saved" in dialog.status.text().lower()


def test_a_kind_of_text_read_as_written_by_keyboard(rig):
    """Alt+J reaches the list of kinds of text; arrows pick one, Space unchecks it, Apply saves
    it and the speaker reads it as written from then on."""
    dialog = rig.open()
    rig.key(Key.Key_J, Mod.AltModifier)
    assert focused() is dialog.spoken
    rig.key(Key.Key_Home)
    rig.key(Key.Key_Down, times=2)  # markup, web, dates
    assert dialog.spoken.currentItem().text() == "Dates"
    rig.key(Key.Key_Space)
    assert dialog.values().read_as_written == ("dates",)
    dialog.apply_button.setFocus()
    rig.key(Key.Key_Space)
    assert rig.saved()["read_as_written"] == ["dates"]
    assert rig.speaker.as_written == frozenset({"dates"})


def test_device_list_failure_still_offers_the_system_default(rig, qtbot):
    def broken():
        raise OSError("PortAudio not initialized")

    dialog = SettingsDialog(Settings(device="Gone"), [VoiceChoice("af_heart", "en-us", "f")], lambda s: "",
                            devices=broken)
    qtbot.addWidget(dialog)
    assert [dialog.device.itemText(i) for i in range(dialog.device.count())] == ["System default",
                                                                                 "Gone (not connected)"]
    assert dialog.values().device == "Gone" and "audio devices" in dialog.status.text()


# -- accessibility ---------------------------------------------------------------------------
def focusable_controls(dialog: QWidget) -> set[QWidget]:
    return {control_of(w) for w in dialog.findChildren(QWidget)
            if w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.isVisibleTo(dialog) and w.isEnabled()}


def test_every_control_is_named_reachable_by_tab_in_reading_order(rig):
    dialog = rig.open()
    dialog.resize(dialog.sizeHint())  # everything in view: positions do not depend on scrolling
    expected = focusable_controls(dialog)
    first = focused()
    walk = [first]
    for _ in range(len(expected) + 5):
        rig.key(Key.Key_Tab)
        if focused() is first:
            break
        walk.append(focused())
    assert focused() is first, "Tab does not come back to the first control"
    assert len(walk) == len(set(walk)) and set(walk) == expected, \
        f"not reached by Tab: {[w.accessibleName() for w in expected - set(walk)]}"
    for control in walk:
        assert control.accessibleName().strip(), f"{type(control).__name__} has no accessible name"
        assert control.accessibleDescription().strip(), f"{control.accessibleName()} has no description"
    names = [control.accessibleName() for control in walk]
    assert len(set(names)) == len(names), f"two controls share a name: {names}"

    def box(w: QWidget):
        top_left = w.mapTo(dialog, QPoint(0, 0))
        return top_left.x(), top_left.y(), top_left.y() + w.height()

    for a, b in itertools.pairwise(walk):
        (ax, atop, abottom), (bx, btop, bbottom) = box(a), box(b)
        same_row = btop < abottom and atop < bbottom
        assert (same_row and bx > ax) or btop >= abottom, \
            f"Tab goes from {a.accessibleName()!r} back to {b.accessibleName()!r}"

    labels = {label.buddy(): label for label in dialog.findChildren(QLabel) if label.buddy() is not None}
    for control in walk:  # a label with a mnemonic, or a button's own mnemonic
        text = control.text() if isinstance(control, QAbstractButton) and control not in labels \
            else labels[control].text()
        assert "&" in text.replace("&&", "") or control in (dialog.ok, dialog.buttons.button(
            dialog.buttons.StandardButton.Cancel)), f"{control.accessibleName()} has no mnemonic"


def test_screenshots_at_100_and_200_percent_are_legible_sizes():
    ARTIFACTS.mkdir(exist_ok=True)
    sizes = {}
    for scale in (1, 2):
        out = ARTIFACTS / f"settings-{scale * 100}.png"
        env = {**os.environ, "QT_QPA_PLATFORM": OFFSCREEN, "QT_SCALE_FACTOR": str(scale)}
        done = subprocess.run([sys.executable, "-m", "tests.settings_shot", str(out)], env=env, capture_output=True, check=False,
                              timeout=120, cwd=Path(__file__).resolve().parent.parent)
        assert done.returncode == 0, done.stderr.decode()
        image = QImage(str(out))
        assert not image.isNull()
        sizes[scale] = (image.width(), image.height())
        colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
        assert len(colours) > 20, "the screenshot looks empty"
    (w1, h1), (w2, h2) = sizes[1], sizes[2]
    assert w1 >= 400 and h1 >= 400, sizes
    assert abs(w2 / w1 - 2) < 0.1 and abs(h2 / h1 - 2) < 0.1, sizes  # the same window, twice as big


def test_a_pronunciation_added_by_keyboard_is_saved_and_read_and_files_go_in_and_out(rig, tmp_path):
    """"Add pronunciation..." opens the window at the word of the last selection: type how to
    read it, Enter adds it, Apply saves it and the speaker uses it; Export and Import carry the
    entries in a file; a wrong entry is refused with the reason, and nothing is lost."""
    from reader.text.lexicon import Entry

    dialog = rig.open()
    dialog.add_pronunciation("nginx")
    assert focused() is dialog.lexicon.say and dialog.lexicon.word.text() == "nginx"
    rig.qtbot.keyClicks(dialog.lexicon.say, "engine x")
    rig.key(Key.Key_Return)
    assert dialog.lexicon.entries() == (Entry("nginx", "engine x"),)
    assert dialog.lexicon.list.item(0).text().startswith("nginx \u2192 engine x")
    assert dialog.isVisible()  # Enter in the field added the entry; it did not press OK
    dialog.lexicon.word.setFocus()
    dialog.lexicon.word.setText("Kokoro")
    dialog.lexicon.say.setText("k(O)koro")
    dialog.lexicon.kind.setCurrentIndex(1)  # phonemes
    rig.key(Key.Key_Return)
    assert "Not added" in dialog.status.text() and "not Kokoro phonemes" in dialog.status.text()
    dialog.apply_button.setFocus()
    rig.key(Key.Key_Space)
    assert rig.saved()["lexicon"] == [{"match": "nginx", "say": "engine x"}]
    assert rig.speaker.lexicon.entries[0] == Entry("nginx", "engine x")  # yours, then the shipped ones
    exported = tmp_path / "mine.json"
    dialog.lexicon.ask_path = lambda save, title: str(exported)
    dialog.lexicon.export_button.click()
    assert json.loads(exported.read_text()) == [{"match": "nginx", "say": "engine x"}]
    dialog.lexicon.list.setCurrentRow(0)
    dialog.lexicon.remove.click()
    assert dialog.lexicon.entries() == ()
    dialog.lexicon.import_button.click()
    assert dialog.lexicon.entries() == (Entry("nginx", "engine x"),)
    exported.write_text('[{"match": "x"}]')
    dialog.lexicon.import_button.click()
    assert "Nothing imported" in dialog.status.text() and dialog.lexicon.entries() == (Entry("nginx", "engine x"),)


def test_the_language_mode_is_chosen_by_keyboard_and_reaches_the_speaker(rig):
    dialog = rig.open()
    rig.key(Key.Key_R, Mod.AltModifier)  # &Read the text in (shares R with others: Qt cycles)
    for _ in range(4):
        if focused() is dialog.language:
            break
        rig.key(Key.Key_R, Mod.AltModifier)
    assert focused() is dialog.language
    rig.key(Key.Key_Down)  # the voice's language -> automatic
    assert dialog.values().language_mode == "auto"
    dialog.apply_button.setFocus()
    rig.key(Key.Key_Space)
    assert rig.saved()["language_mode"] == "auto" and rig.speaker.language_mode == "auto"
