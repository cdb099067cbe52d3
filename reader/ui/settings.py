"""The settings window: every control reachable by Tab in reading order, named for screen
readers, with a mnemonic label; OK / Cancel / Apply, Enter = OK, Esc = Cancel.

It talks to the daemon only through plain data and callbacks (Settings in; on_apply(Settings)
out; preview(voice, speed); devices() -> names), so it can be tested without one. Its own
fonts, colours and sizes come from the system: nothing here sets them (the reading view's
are settings it edits).
"""
from __future__ import annotations

import dataclasses
import itertools
import logging
from collections.abc import Callable, Sequence

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from reader.desktop.hotkeys import DEFAULT_HOTKEYS
from reader.settings.model import VIEW_COLORS, VIEW_SIZE_RANGE, VIEW_SPACING_RANGE, Settings
from reader.text.spoken import FAMILIES
from reader.types import PAUSE_RANGE, SPEED_RANGE, ReaderError
from reader.ui.a11y import announce, describe, labelled
from reader.ui.keyrecorder import KeyRecorder, same_combo
from reader.ui.lexiconeditor import LexiconSection
from reader.ui.looks import COLOR_TITLES
from reader.ui.voicepicker import VoiceChoice, VoiceSection

_LOGGER = logging.getLogger(__name__)

ACTION_LABELS = {"read-selection": "Read sele&ction", "read-clipboard": "Read cl&ipboard",
                 "toggle": "Pause / resu&me", "stop": "S&top", "next": "Ne&xt sentence",
                 "previous": "Previ&ous sentence", "next-word": "Next wor&d", "previous-word": "Previous w&ord",
                 "faster": "Faste&r", "slower": "Slo&wer", "auto-read": "&Auto-read on/off", "view": "Reading &view"}
assert set(ACTION_LABELS) == set(DEFAULT_HOTKEYS)

# What each family of text/spoken reads, for its checkbox: (title, an example of what it does).
FAMILY_LABELS = {
    "markup": ("Markdown and line-break hyphens", "**bold** is read bold, continu- ous is continuous"),
    "web": ("Web and file addresses", "https://kokoro.org/faq is kokoro dot org slash faq"),
    "dates": ("Dates", "2027-03-04 is March 4th, 2027"),
    "times": ("Times", "14:30 is fourteen thirty, 8am is eight AM"),
    "currency": ("Money", "€2.5bn is 2.5 billion euros"),
    "units": ("Units", "5 km is 5 kilometers"),
    "numbers": ("Phone numbers, versions, ranges", "12-19 is 12 to 19, v2.7 is version 2 point 7"),
    "roman": ("Roman numerals", "Louis XIV is Louis the fourteenth"),
    "abbreviations": ("Abbreviations", "e.g. is for example, Dept. is Department"),
    "code": ("Code names", "get_user_name is get user name"),
}


def _vocab() -> set[str] | None:
    """Kokoro's phoneme symbols, to check phonemes as they are typed (None: not found)."""
    from reader.engine.onnx import load_vocab

    try:
        return set(load_vocab())
    except (OSError, ValueError):
        return None


# The language modes (settings: language_mode) as the window offers them.
LANGUAGE_MODES = {"voice": "The voice's language", "auto": "Automatic, sentence by sentence",
                  "en-us": "All in American English", "en-gb": "All in British English", "es": "All in Spanish",
                  "fr": "All in French", "hi": "All in Hindi", "it": "All in Italian",
                  "pt-br": "All in Brazilian Portuguese", "ja": "All in Japanese", "zh": "All in Mandarin"}


class _Scroll(QScrollArea):
    """Asks for its content's full size: the window opens showing everything that fits."""

    def sizeHint(self) -> QSize:
        hint = self.widget().sizeHint()
        bar = self.verticalScrollBar().sizeHint().width()
        return QSize(hint.width() + 2 * self.frameWidth() + bar, hint.height() + 2 * self.frameWidth())


class SettingsDialog(QDialog):
    """Edits a copy of the settings; OK/Apply hand the result to on_apply. GUI thread.

    on_apply(settings) returns "" or a message to show (e.g. saving failed). Not responsible
    for saving or applying anything itself.
    """

    def __init__(self, settings: Settings, voices: Sequence[VoiceChoice],
                 on_apply: Callable[[Settings], str | None],
                 preview: Callable[[str, float], None] | None = None,
                 devices: Callable[[], list[str]] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("kokoro-reader settings")
        self._base = settings
        self._on_apply = on_apply
        self._preview = preview
        self._devices = devices
        self.focus_chain: list[QWidget] = []  # the controls in Tab order
        content = QWidget()
        column = QVBoxLayout(content)
        self.voice = VoiceSection(voices)
        self.voice.preview.setEnabled(preview is not None)
        self.voice.preview_requested.connect(self._do_preview)
        column.addWidget(self.voice)
        column.addWidget(self._reading_group())
        column.addWidget(self._view_group())
        column.addWidget(self._hotkeys_group())
        column.addWidget(self._spoken_group())
        self.lexicon = LexiconSection(_vocab())
        self.lexicon.message.connect(self._say)
        column.addWidget(self.lexicon)
        column.addWidget(self._general_group())
        scroll = self._scroll = _Scroll()
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        self.status = QLabel()  # what was last announced, visible too
        self.status.setWordWrap(True)
        describe(self.status, "Messages", "The last message of the settings window.")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                                        | QDialogButtonBox.StandardButton.Apply
                                        | QDialogButtonBox.StandardButton.RestoreDefaults)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        self.reset = self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        self.reset.setText("R&eset to defaults")
        self.apply_button.setText("&Apply")  # OK and Cancel have Enter and Esc
        self.reset.setAutoDefault(False)
        describe(self.ok, "OK", "Use and save these settings, and close the window (Enter).")
        describe(self.buttons.button(QDialogButtonBox.StandardButton.Cancel), "Cancel",
                 "Close the window without changing anything (Escape).")
        describe(self.apply_button, "Apply", "Use and save these settings; the window stays open.")
        describe(self.reset, "Reset to defaults", "Puts every control back to its default; "
                                                  "OK or Apply then keeps them.")
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        self.apply_button.clicked.connect(self._apply)
        self.reset.clicked.connect(self._reset)

        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.ok.setDefault(True)  # Enter = OK wherever the focus is (Space presses a focused button)
        self._load(settings)
        self.refresh_devices(settings.device)
        self._set_tab_order()
        self._check_conflicts(announce_it=False)
        self.resize(self._default_size())

    # -- groups -------------------------------------------------------------------------------
    def _reading_group(self) -> QGroupBox:
        box = QGroupBox("Reading")
        self.speed = QDoubleSpinBox()
        self.speed.setRange(*SPEED_RANGE)
        self.speed.setSingleStep(0.05)
        self.speed.setDecimals(2)
        self.speed.setSuffix(" \u00d7")
        self.volume = QSpinBox()
        self.volume.setRange(0, 100)
        self.volume.setSingleStep(5)
        self.volume.setSuffix(" %")
        self.pause = QDoubleSpinBox()
        self.pause.setRange(*PAUSE_RANGE)
        self.pause.setSingleStep(0.1)
        self.pause.setDecimals(1)
        self.pause.setSuffix(" s")
        self.device = QComboBox()
        self.language = QComboBox()
        for mode, title in LANGUAGE_MODES.items():
            self.language.addItem(title, mode)
        grid = QGridLayout(box)
        grid.addWidget(labelled("&Speed:", self.speed, "Reading speed, 0.5 to 2 times normal. "
                                                       "Ctrl+Alt+Up and Down change it too."), 0, 0)
        grid.addWidget(self.speed, 0, 1)
        grid.addWidget(labelled("Vo&lume:", self.volume, "Loudness of the voice, 0 to 100 percent "
                                                         "of the system volume."), 0, 2)
        grid.addWidget(self.volume, 0, 3)
        grid.addWidget(labelled("Pa&use between sentences:", self.pause,
                                "Extra silence after each sentence, 0 to 2 seconds."), 0, 4)
        grid.addWidget(self.pause, 0, 5)
        grid.addWidget(labelled("Output &device:", self.device,
                                "Where the voice plays; System default follows the desktop's choice."), 1, 0)
        grid.addWidget(self.device, 1, 1, 1, 5)
        grid.addWidget(labelled("&Read the text in:", self.language,
                                "Automatic reads each sentence in its own language, with a voice of that "
                                "language; or every sentence in the voice's language, or in one you choose."), 2, 0)
        grid.addWidget(self.language, 2, 1, 1, 5)
        grid.setColumnStretch(6, 1)
        return box

    def _view_group(self) -> QGroupBox:
        from PySide6.QtGui import QFontDatabase

        box = QGroupBox("Reading view")
        self.view_on_read = QCheckBox("Show the reading view &when reading starts")
        describe(self.view_on_read, "Show the reading view when reading starts",
                 "The view shows the text with the word being heard highlighted; it opens without taking "
                 "the keyboard from the window you read in. Ctrl+Alt+V and the tray menu open it too.")
        self.view_colors = QComboBox()
        for name in VIEW_COLORS:
            self.view_colors.addItem(COLOR_TITLES[name], name)
        self.view_font = QComboBox()
        self.view_font.addItem("The colours' or the desktop's font", "")
        for family in QFontDatabase.families():
            self.view_font.addItem(family, family)
        self.view_size = QSpinBox()
        self.view_size.setRange(*VIEW_SIZE_RANGE)
        self.view_size.setSuffix(" pt")
        self.view_spacing = QDoubleSpinBox()
        self.view_spacing.setRange(*VIEW_SPACING_RANGE)
        self.view_spacing.setSingleStep(0.1)
        self.view_spacing.setDecimals(1)
        self.view_spacing.setSuffix(" \u00d7")
        grid = QGridLayout(box)
        grid.addWidget(self.view_on_read, 0, 0, 1, 4)
        grid.addWidget(labelled("&Colours:", self.view_colors, "The view's colours. The desktop's colours follow "
                                "its theme, high contrast included."), 1, 0)
        grid.addWidget(self.view_colors, 1, 1)
        grid.addWidget(labelled("&Font:", self.view_font, "The view's font."), 1, 2)
        grid.addWidget(self.view_font, 1, 3)
        grid.addWidget(labelled("Font si&ze:", self.view_size, "The view's text size, 8 to 72 points."), 2, 0)
        grid.addWidget(self.view_size, 2, 1)
        grid.addWidget(labelled("Line spaci&ng:", self.view_spacing,
                                "Space between lines, 1 to 3 times the font's line height."), 2, 2)
        grid.addWidget(self.view_spacing, 2, 3)
        grid.setColumnStretch(4, 1)
        return box

    def _hotkeys_group(self) -> QGroupBox:
        box = QGroupBox("Hotkeys")
        grid = QGridLayout(box)
        self.recorders: dict[str, KeyRecorder] = {}
        self.conflicts: dict[str, QLabel] = {}
        for i, (action, text) in enumerate(ACTION_LABELS.items()):
            row, col = 2 * (i // 2), 2 * (i % 2)
            name = text.replace("&", "")
            recorder = KeyRecorder(name)  # names and describes itself, with its keys
            label = QLabel(text + ":")
            label.setBuddy(recorder)
            grid.addWidget(label, row, col)
            grid.addWidget(recorder, row, col + 1)
            conflict = QLabel()
            conflict.setWordWrap(True)
            conflict.hide()
            grid.addWidget(conflict, row + 1, col + 1)
            recorder.changed.connect(lambda _combo: self._check_conflicts())
            recorder.message.connect(self._say)
            self.recorders[action], self.conflicts[action] = recorder, conflict
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        return box

    def _spoken_group(self) -> QGroupBox:
        box = QGroupBox("Numbers, dates, addresses")
        # One list of checkable items (Space toggles; a screen reader says each state), not
        # ten checkboxes that would each need a key of their own.
        self.spoken = QListWidget()
        for family in FAMILIES:
            title, example = FAMILY_LABELS[family]
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, family)
            item.setToolTip(f"On: {example}. Off: read as written.")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.spoken.addItem(item)
        rows = self.spoken.sizeHintForRow(0) * 5 + 2 * self.spoken.frameWidth()
        self.spoken.setMaximumHeight(max(rows, 60))
        grid = QGridLayout(box)
        grid.addWidget(labelled("Ad&just: read these as a person says them", self.spoken,
                                "Checked kinds of text are read as a careful reader says them, for example "
                                "2027-03-04 as March 4th, 2027; unchecked ones are read as written."), 0, 0)
        grid.addWidget(self.spoken, 1, 0)
        return box

    def _general_group(self) -> QGroupBox:
        box = QGroupBox("Clipboard and start")
        self.auto_read = QCheckBox("Read what I cop&y (clipboard auto-read)")
        describe(self.auto_read, "Clipboard auto-read", "Reads text aloud whenever you copy it, except "
                                                        "passwords and images. Ctrl+Alt+A toggles it.")
        self.max_chars = QSpinBox()
        self.max_chars.setRange(0, 10_000_000)
        self.max_chars.setSingleStep(1000)
        self.max_chars.setSpecialValueText("No limit")
        self.max_chars.setSuffix(" characters")
        self.autostart = QCheckBox("Start at lo&gin")
        describe(self.autostart, "Start at login", "Starts kokoro-reader when you log in to the desktop.")
        grid = QGridLayout(box)
        grid.addWidget(self.auto_read, 0, 0, 1, 2)
        grid.addWidget(labelled("S&kip copied text longer than:", self.max_chars,
                                "Clipboard auto-read leaves longer text alone; 0 means no limit."), 1, 0)
        grid.addWidget(self.max_chars, 1, 1)
        grid.addWidget(self.autostart, 2, 0, 1, 2)
        grid.setColumnStretch(2, 1)
        return box

    def _set_tab_order(self) -> None:
        buttons = [self.buttons.layout().itemAt(i).widget() for i in range(self.buttons.layout().count())]
        chain = [*self.voice.focus_chain(), self.speed, self.volume, self.pause, self.device, self.language,
                 self.view_on_read, self.view_colors, self.view_font, self.view_size, self.view_spacing,
                 *self.recorders.values(), self.spoken, *self.lexicon.focus_chain(), self.auto_read, self.max_chars, self.autostart,
                 *[b for b in buttons if b is not None]]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
        self.focus_chain = chain

    def _default_size(self) -> QSize:
        hint = self.sizeHint()
        screen = self.screen()
        if screen is None:
            return hint
        room = screen.availableGeometry().size() * 0.9  # a small screen or a big font: it scrolls
        return hint.boundedTo(room)

    # -- values -------------------------------------------------------------------------------
    def _load(self, s: Settings) -> None:
        self.voice.set_spec(s.voice)
        self.speed.setValue(s.speed)
        self.volume.setValue(round(s.volume * 100))
        self.pause.setValue(s.sentence_pause)
        for action, recorder in self.recorders.items():
            recorder.set_combo(s.hotkeys.get(action, ""))
        for row in range(self.spoken.count()):
            item = self.spoken.item(row)
            literal = item.data(Qt.ItemDataRole.UserRole) in s.read_as_written
            item.setCheckState(Qt.CheckState.Unchecked if literal else Qt.CheckState.Checked)
        self.lexicon.set_entries(s.lexicon)
        self.auto_read.setChecked(s.auto_read)
        self.max_chars.setValue(s.auto_read_max_chars)
        self.autostart.setChecked(s.autostart)
        self.language.setCurrentIndex(max(0, self.language.findData(s.language_mode)))
        self.view_on_read.setChecked(s.view_on_read)
        self.view_colors.setCurrentIndex(max(0, self.view_colors.findData(s.view_colors)))
        if s.view_font and self.view_font.findData(s.view_font) < 0:  # not installed (now): kept
            self.view_font.addItem(f"{s.view_font} (not installed)", s.view_font)
        self.view_font.setCurrentIndex(max(0, self.view_font.findData(s.view_font)))
        self.view_size.setValue(s.view_size)
        self.view_spacing.setValue(s.view_spacing)
        index = self.device.findData(s.device) if s.device else 0
        if index >= 0:
            self.device.setCurrentIndex(index)

    def values(self) -> Settings:
        """The settings as the controls show them."""
        return dataclasses.replace(
            self._base, voice=self.voice.spec(), speed=round(self.speed.value(), 2),
            volume=self.volume.value() / 100, sentence_pause=round(self.pause.value(), 2),
            device=self.device.currentData(), hotkeys={a: r.combo for a, r in self.recorders.items()},
            auto_read=self.auto_read.isChecked(), auto_read_max_chars=self.max_chars.value(),
            autostart=self.autostart.isChecked(), lexicon=self.lexicon.entries(),
            language_mode=self.language.currentData(), view_on_read=self.view_on_read.isChecked(),
            view_colors=self.view_colors.currentData(), view_font=self.view_font.currentData(),
            view_size=self.view_size.value(), view_spacing=round(self.view_spacing.value(), 1),
            read_as_written=tuple(item.data(Qt.ItemDataRole.UserRole) for item in map(
                self.spoken.item, range(self.spoken.count())) if item.checkState() != Qt.CheckState.Checked))

    def refresh_devices(self, chosen: str | None) -> None:
        """Fill the device list from devices(); "System default" first, always there."""
        self.device.clear()
        self.device.addItem("System default", None)
        names: list[str] = []
        if self._devices is not None:
            try:
                names = list(dict.fromkeys(self._devices()))  # one entry per name, in order
            except Exception as exc:  # noqa: BLE001 - PortAudio's errors, none: the default still works
                _LOGGER.warning("listing audio devices failed: %s", exc)
                self._say(f"Could not list the audio devices ({exc}); System default is used.")
        for name in names:
            self.device.addItem(name, name)
        if chosen and chosen not in names:
            self.device.addItem(f"{chosen} (not connected)", chosen)
        self.device.setCurrentIndex(self.device.findData(chosen) if chosen else 0)

    # -- actions ------------------------------------------------------------------------------
    def _check_conflicts(self, announce_it: bool = True) -> bool:
        """Show, next to each hotkey, which other action uses the same keys; OK and Apply
        wait until none does. Returns whether there are conflicts."""
        clashes = []
        for action, recorder in self.recorders.items():
            others = [ACTION_LABELS[o].replace("&", "") for o, r in self.recorders.items()
                      if o != action and same_combo(r.combo, recorder.combo)]
            text = f"Conflict: also used by {', '.join(others)}" if others else ""
            self.conflicts[action].setText(text)
            self.conflicts[action].setVisible(bool(others))
            recorder.set_note(text)
            if others:
                clashes.append(ACTION_LABELS[action].replace("&", ""))
        self.ok.setEnabled(not clashes)
        self.apply_button.setEnabled(not clashes)
        if clashes and announce_it:
            self._say(f"Two actions have the same keys ({', '.join(clashes)}): change one before saving.")
        elif announce_it:
            self._say("")
        return bool(clashes)

    def _say(self, text: str) -> None:
        self.status.setText(text)
        if text:
            announce(self, text)

    def _apply(self) -> bool:
        if self._check_conflicts(announce_it=False):
            return False
        settings = self.values()
        message = self._on_apply(settings) or ""
        self._base = settings
        self._say(message or "Settings saved.")
        return True

    def _ok(self) -> None:
        if self._apply():
            self.accept()

    def _reset(self) -> None:
        # Your pronunciations stay: a reset is about the controls, not your dictionary.
        defaults = dataclasses.replace(Settings(), extra=self._base.extra, lexicon=self.lexicon.entries())
        self._load(defaults)
        self.device.setCurrentIndex(0)
        self._check_conflicts(announce_it=False)
        self._say("Defaults restored in the window; OK or Apply keeps them.")

    def add_pronunciation(self, word: str) -> None:
        """Scroll to the pronunciations with word filled in, the cursor where its reading goes."""
        self.lexicon.start_entry(word)
        self._scroll.ensureWidgetVisible(self.lexicon)
        self._say(f"New pronunciation for {word}: type how to read it, then Enter." if word else
                  "New pronunciation: type the word and how to read it.")

    def _do_preview(self) -> None:
        try:
            self._preview(self.voice.spec(), round(self.speed.value(), 2))
        except ReaderError as exc:
            self._say(f"Preview failed: {exc}")

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.voice.filter.setFocus(Qt.FocusReason.OtherFocusReason)  # the first control


__all__ = ["ACTION_LABELS", "SettingsDialog"]
