"""The settings window's pronunciations: the user's lexicon (text/lexicon.py) as a list, with
fields to add, change and remove entries, and import / export of lexicon files.

Keyboard first: the list, then the fields, then the buttons, each with a mnemonic label and
an accessible name; a choice in the list fills the fields; messages go out through
`message` (the window shows and announces them).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QWidget,
)

from reader.text.lexicon import Entry, entries_from_json, entries_to_json, first_problem, merged
from reader.ui.a11y import describe, labelled


def entry_label(entry: Entry) -> str:
    """How the list shows an entry."""
    said = f"/{entry.say}/ (phonemes)" if entry.phonemes else entry.say
    notes = [n for n, on in (("pattern", entry.regex), ("exact case", entry.case),
                             ("inside words", not entry.whole_word)) if on]
    if entry.language:
        notes.append(entry.language)
    return f"{entry.match} \u2192 {said}" + (f"  [{', '.join(notes)}]" if notes else "")


class LexiconSection(QGroupBox):
    """Edits a list of Entry; entries() is what the controls show. GUI thread.

    vocab: Kokoro's phoneme symbols, to check phonemes as they are added (None: no check).
    ask_path(save, title) -> a file path or "" (a file dialog; tests pass their own).
    """

    message = Signal(str)

    def __init__(self, vocab: Iterable[str] | None = None,
                 ask_path: Callable[[bool, str], str] | None = None) -> None:
        super().__init__("Pronunciations")
        self._vocab = set(vocab) if vocab is not None else None
        self.ask_path = ask_path or self._file_dialog
        self._entries: list[Entry] = []
        self.list = QListWidget()
        self.word = QLineEdit()
        self.say = QLineEdit()
        self.kind = QComboBox()
        self.kind.addItem("Text", False)
        self.kind.addItem("Phonemes (Kokoro IPA)", True)
        self.regex = QCheckBox("Regular e&xpression")
        self.case = QCheckBox("Exact &case")
        self.inside = QCheckBox("Inside &words too")
        self.add = QPushButton("Add / c&hange")
        self.remove = QPushButton("Re&move")
        self.import_button = QPushButton("&Import\u2026")
        self.export_button = QPushButton("Ex&port\u2026")
        describe(self.regex, "Regular expression", "The word is a Python regular expression; "
                                                   "the replacement may use its groups as \\1.")
        describe(self.case, "Exact case", "Match upper and lower case exactly as typed.")
        describe(self.inside, "Inside words too", "Also match where the word is part of a longer word.")
        describe(self.add, "Add or change", "Adds this pronunciation, or changes the entry for the same word.")
        describe(self.remove, "Remove", "Removes the entry chosen in the list.")
        describe(self.import_button, "Import", "Adds the entries of a lexicon file.")
        describe(self.export_button, "Export", "Writes your entries to a lexicon file.")
        self.list.currentRowChanged.connect(self._chosen)
        self.add.clicked.connect(self._add)
        self.remove.clicked.connect(self._remove)
        self.import_button.clicked.connect(self._import)
        self.export_button.clicked.connect(self._export)
        for field in (self.word, self.say):
            field.installEventFilter(self)  # Enter adds the entry (not the window's OK)

        grid = QGridLayout(self)
        grid.addWidget(labelled("Your pronu&nciations (used before the built-in ones):", self.list,
                                "Words read the way you say them. Choose one to change or remove it."), 0, 0, 1, 4)
        grid.addWidget(self.list, 1, 0, 1, 4)
        grid.addWidget(labelled("Wo&rd:", self.word, "The word as it is written, e.g. nginx."), 2, 0)
        grid.addWidget(self.word, 2, 1)
        grid.addWidget(labelled("Read &as:", self.say, "What to say instead, e.g. engine x; or "
                                                       "phonemes if Kind says so."), 2, 2)
        grid.addWidget(self.say, 2, 3)
        grid.addWidget(labelled("&Kind:", self.kind, "Text is read like any text; phonemes are "
                                                     "Kokoro's IPA symbols, e.g. kˈOkəɹO."), 3, 0)
        grid.addWidget(self.kind, 3, 1)
        options = QHBoxLayout()
        for box in (self.regex, self.case, self.inside):
            options.addWidget(box)
        grid.addLayout(options, 3, 2, 1, 2)
        buttons = QHBoxLayout()
        for button in (self.add, self.remove, self.import_button, self.export_button):
            button.setAutoDefault(False)  # Enter in a field adds; elsewhere it is the window's OK
            buttons.addWidget(button)
        buttons.addStretch(1)
        grid.addLayout(buttons, 4, 0, 1, 4)
        rows = self.list.sizeHintForRow(0) * 4 + 2 * self.list.frameWidth()
        self.list.setMaximumHeight(max(rows, 60))
        self._show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched in (self.word, self.say) and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            self._add()
            return True
        return super().eventFilter(watched, event)

    def focus_chain(self) -> list[QWidget]:
        return [self.list, self.word, self.say, self.kind, self.regex, self.case, self.inside,
                self.add, self.remove, self.import_button, self.export_button]

    # -- values -------------------------------------------------------------------------------
    def set_entries(self, entries: Iterable[Entry]) -> None:
        self._entries = list(entries)
        self._show()

    def entries(self) -> tuple[Entry, ...]:
        return tuple(self._entries)

    def start_entry(self, word: str) -> None:
        """Fill the word (e.g. the last selection's) and put the cursor in Read as."""
        self.word.setText(word)
        known = next((e for e in self._entries if e.match == word), None)
        self.say.setText(known.say if known else "")
        self.say.setFocus(Qt.FocusReason.OtherFocusReason)

    def entry(self) -> Entry:
        """The entry the fields describe; ValueError with what is wrong."""
        old = next((e for e in self._entries if e.match == self.word.text().strip()), None)
        entry = Entry(self.word.text() if self.regex.isChecked() else self.word.text().strip(),
                      self.say.text().strip(), phonemes=bool(self.kind.currentData()),
                      regex=self.regex.isChecked(), case=self.case.isChecked(),
                      whole_word=not self.inside.isChecked(), language=old.language if old else None)
        problem = entry.problem(self._vocab)
        if problem is None and not entry.say:
            problem = "nothing to read instead"
        if problem:
            raise ValueError(problem)
        return entry

    # -- actions ------------------------------------------------------------------------------
    def _show(self, current: int = -1) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for entry in self._entries:
            self.list.addItem(QListWidgetItem(entry_label(entry)))
        self.list.blockSignals(False)
        if 0 <= current < self.list.count():
            self.list.setCurrentRow(current)
        self.remove.setEnabled(bool(self._entries))
        self.export_button.setEnabled(bool(self._entries))

    def _chosen(self, row: int) -> None:
        if not 0 <= row < len(self._entries):
            return
        e = self._entries[row]
        self.word.setText(e.match)
        self.say.setText(e.say)
        self.kind.setCurrentIndex(1 if e.phonemes else 0)
        self.regex.setChecked(e.regex)
        self.case.setChecked(e.case)
        self.inside.setChecked(not e.whole_word)

    def _add(self) -> None:
        try:
            entry = self.entry()
        except ValueError as exc:
            self.message.emit(f"Not added: {exc}.")
            return
        self._entries = list(merged(self._entries, (entry,)))
        self._show(0)
        self.message.emit(f"{entry_label(entry)}: OK or Apply keeps it.")

    def _remove(self) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self._entries):
            self.message.emit("Choose the entry to remove in the list first.")
            return
        gone = self._entries.pop(row)
        self._show(min(row, len(self._entries) - 1))
        self.message.emit(f"Removed {gone.match}: OK or Apply keeps it.")

    def _import(self) -> None:
        path = self.ask_path(False, "Import pronunciations")
        if not path:
            return
        try:
            added = entries_from_json(Path(path).read_text(encoding="utf-8-sig"))
            problem = first_problem(added, self._vocab)
            if problem:
                raise ValueError(problem)
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            self.message.emit(f"Nothing imported from {Path(path).name}: {exc}")
            return
        self._entries = list(merged(self._entries, added))
        self._show()
        self.message.emit(f"{len(added)} pronunciations imported: OK or Apply keeps them.")

    def _export(self) -> None:
        path = self.ask_path(True, "Export pronunciations")
        if not path:
            return
        try:
            Path(path).write_text(entries_to_json(self._entries), encoding="utf-8")
        except OSError as exc:
            self.message.emit(f"Could not write {path}: {exc.strerror or exc}")
            return
        self.message.emit(f"{len(self._entries)} pronunciations written to {path}.")

    def _file_dialog(self, save: bool, title: str) -> str:
        ask = QFileDialog.getSaveFileName if save else QFileDialog.getOpenFileName
        path, _ = ask(self, title, str(Path.home() / "pronunciations.json"), "Lexicon (*.json);;All files (*)")
        return path


__all__ = ["LexiconSection", "entry_label"]
