"""The settings window's voice section: voices grouped by language with a filter, an optional
blend of up to three voices with weights, and a Preview button."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QGroupBox,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from reader.ui.a11y import announce, describe, labelled

LANGUAGE_NAMES = {"en-us": "American English", "en-gb": "British English", "es": "Spanish", "fr": "French",
                  "hi": "Hindi", "it": "Italian", "ja": "Japanese", "pt-br": "Brazilian Portuguese",
                  "zh": "Mandarin Chinese"}
_GENDERS = {"f": "female", "m": "male"}
_NAME = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class VoiceChoice:
    """One voice as the window lists it."""

    name: str  # e.g. af_heart
    language: str  # e.g. en-us
    gender: str  # "f", "m" or a word


def parse_blend(spec: str) -> list[tuple[str, float]]:
    """"af_heart:0.7,bf_emma:0.3" -> [("af_heart", 0.7), ("bf_emma", 0.3)]; no validation
    (the Speaker checks voices); an unreadable weight counts as 1."""
    parts = []
    for item in spec.split(","):
        name, _, weight = item.strip().partition(":")
        try:
            parts.append((name.strip().lower(), float(weight) if weight else 1.0))
        except ValueError:
            parts.append((name.strip().lower(), 1.0))
    return [(n, w) for n, w in parts if n]


class VoiceSection(QGroupBox):
    """Owns the voice widgets; spec() is the chosen voice or blend. GUI thread."""

    preview_requested = Signal()

    def __init__(self, voices: Sequence[VoiceChoice], parent: QWidget | None = None) -> None:
        super().__init__("Voice", parent)
        self._voice = ""  # the chosen (main) voice, even one not in the list
        self.filter = QLineEdit()
        self.filter.setClearButtonEnabled(True)
        self.filter.setPlaceholderText("name, language or gender")
        self.tree = QTreeWidget()
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Voice", "Gender"])
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setMinimumHeight(self.tree.fontMetrics().lineSpacing() * 8)  # a small screen scrolls instead
        self._fill(voices)
        self.weight = self._weight_box()
        self.blends = [QComboBox(), QComboBox()]
        self.blend_weights = [self._weight_box(), self._weight_box()]
        for combo in self.blends:
            combo.addItem("None (no blend)", None)
            for voice in sorted(voices, key=lambda v: v.name):
                combo.addItem(voice.name, voice.name)
        self.preview = QPushButton("&Preview")
        self.preview.setAutoDefault(False)
        describe(self.preview, "Preview", "Speaks a sample sentence with the chosen voice and speed; "
                                          "nothing is saved.")
        self.preview.clicked.connect(self.preview_requested)

        grid = QGridLayout(self)
        grid.addWidget(labelled("&Filter voices:", self.filter,
                                "Type part of a voice name, language or gender to shorten the list; "
                                "Down arrow moves to the list."), 0, 0)
        grid.addWidget(self.filter, 0, 1, 1, 3)
        grid.addWidget(labelled("&Voice:", self.tree,
                                "Voices grouped by language. Arrow keys choose a voice."), 1, 0,
                       Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.tree, 1, 1, 1, 3)
        grid.addWidget(labelled("Weig&ht of this voice:", self.weight,
                                "Its share in a blend, 0.05 to 1; ignored without a blend."), 2, 0)
        grid.addWidget(self.weight, 2, 1, Qt.AlignmentFlag.AlignLeft)
        texts = (("&Blend with:", "W&eight:", "second"), ("A&nd with:", "Wei&ght:", "third"))
        for row, ((blend_text, weight_text, nth), combo, weight) in enumerate(zip(texts, self.blends,
                                                                                  self.blend_weights), start=3):
            grid.addWidget(labelled(blend_text, combo, f"A {nth} voice mixed into the chosen one, or None.",
                                    name=f"{blend_text} {nth} voice"), row, 0)
            grid.addWidget(combo, row, 1)
            grid.addWidget(labelled(weight_text, weight, f"The share of the {nth} voice, 0.05 to 1.",
                                    name=f"Weight of the {nth} voice"), row, 2)
            grid.addWidget(weight, row, 3)
        grid.addWidget(self.preview, 5, 1, Qt.AlignmentFlag.AlignLeft)
        grid.setColumnStretch(1, 1)

        self.filter.textChanged.connect(self._filter)
        self.filter.installEventFilter(self)
        self.tree.currentItemChanged.connect(self._current_changed)

    @staticmethod
    def _weight_box() -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setRange(0.05, 1.0)
        box.setSingleStep(0.05)
        box.setDecimals(2)
        box.setValue(1.0)
        return box

    def _fill(self, voices: Sequence[VoiceChoice]) -> None:
        groups: dict[str, QTreeWidgetItem] = {}
        for voice in sorted(voices, key=lambda v: (v.language != "en-us", v.language, v.name)):
            group = groups.get(voice.language)
            if group is None:
                group = QTreeWidgetItem([LANGUAGE_NAMES.get(voice.language, voice.language), ""])
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)  # a heading: not a voice to choose
                groups[voice.language] = group
                self.tree.addTopLevelItem(group)
            item = QTreeWidgetItem([voice.name, _GENDERS.get(voice.gender, voice.gender)])
            item.setData(0, _NAME, voice.name)
            group.addChild(item)
        for group in groups.values():
            group.setText(0, f"{group.text(0)} ({group.childCount()})")
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)

    def _voice_items(self):
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            for j in range(group.childCount()):
                yield group, group.child(j)

    # -- the chosen voice ---------------------------------------------------------------------
    def set_spec(self, spec: str) -> None:
        parts = parse_blend(spec) or [("af_heart", 1.0)]
        self._voice, weight = parts[0]
        self.weight.setValue(min(1.0, max(0.05, weight)))
        for i, (combo, box) in enumerate(zip(self.blends, self.blend_weights)):
            name, weight = parts[i + 1] if i + 1 < len(parts) else (None, 0.3)
            index = combo.findData(name) if name else 0
            if name and index < 0:  # not in the catalogue: keep it anyway
                combo.addItem(name, name)
                index = combo.count() - 1
            combo.setCurrentIndex(index)
            box.setValue(min(1.0, max(0.05, weight)))
        for _, item in self._voice_items():
            if item.data(0, _NAME) == self._voice:
                self.tree.setCurrentItem(item)
                self.tree.scrollToItem(item)
                break

    def spec(self) -> str:
        """"af_heart", or "af_heart:0.7,bf_emma:0.3" when blending."""
        extra = [(combo.currentData(), box.value()) for combo, box in zip(self.blends, self.blend_weights)
                 if combo.currentData()]
        if not extra:
            return self._voice
        return ",".join(f"{name}:{weight:g}" for name, weight in [(self._voice, self.weight.value()), *extra])

    def _current_changed(self, item, _previous) -> None:
        name = item.data(0, _NAME) if item is not None else None
        if name:
            self._voice = name

    # -- filter -------------------------------------------------------------------------------
    def _filter(self, text: str) -> None:
        words = text.lower().split()
        shown = 0
        for group, item in self._voice_items():
            haystack = f"{item.text(0)} {item.text(1)} {group.text(0)}".lower()
            hidden = not all(w in haystack for w in words)
            item.setHidden(hidden)
            shown += not hidden
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            group.setHidden(all(group.child(j).isHidden() for j in range(group.childCount())))
        current = self.tree.currentItem()
        if current is None or current.isHidden() or not current.data(0, _NAME):
            first = next((item for _, item in self._voice_items() if not item.isHidden()), None)
            if first is not None:
                self.tree.setCurrentItem(first)
        announce(self.filter, f"{shown} voices" if shown != 1 else "1 voice")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.filter and event.type() == QEvent.Type.KeyPress
                and event.key() == Qt.Key.Key_Down):
            self.tree.setFocus(Qt.FocusReason.TabFocusReason)
            return True
        return super().eventFilter(watched, event)

    def focus_chain(self) -> list[QWidget]:
        """The controls in reading order."""
        return [self.filter, self.tree, self.weight, self.blends[0], self.blend_weights[0], self.blends[1],
                self.blend_weights[1], self.preview]


__all__ = ["LANGUAGE_NAMES", "VoiceChoice", "VoiceSection", "parse_blend"]
