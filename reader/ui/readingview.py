"""The reading view: the text being read, its sentence marked and the word being heard lit.

It follows what the listener hears (Speaker.heard(): the sink's played position, its
latency taken off), polled every FOLLOW_MS while shown, so pauses, jumps, speed changes,
replayed audio and the slow-computer waits need nothing of their own. The highlight moves
the text cursor too, so a screen reader's caret follows the word, while the text is not
focused; focused, the caret is the user's (moving it would have a screen reader speak every
word over the reading), and it comes to the word being read when they focus the text. Keys: Space pauses and
resumes, Left/Right go by sentence, Ctrl+Left/Right by word, Enter (or a click) reads on
from the word at the cursor, Escape hides the view. Opened by the reader itself (reading
starts, with view_on_read) it does not take the keyboard focus from the window being read.

GUI thread only. Not responsible for what is read (the Speaker) or for saving its look
(the settings window does).
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QKeySequence, QPalette, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import QApplication, QHBoxLayout, QPushButton, QTextEdit, QVBoxLayout, QWidget

from reader.settings.model import Settings
from reader.ui.a11y import describe
from reader.ui.looks import PRESETS, Look, contrast

FOLLOW_MS = 20  # how often the highlight looks at what is heard: well under a short word


class Steerable(Protocol):
    """What the view needs of the Speaker."""

    def heard(self): ...  # Heard | None

    def toggle(self) -> None: ...

    def next_sentence(self) -> None: ...

    def previous_sentence(self) -> None: ...

    def next_word(self) -> None: ...

    def previous_word(self) -> None: ...

    def read_from(self, offset: int) -> None: ...


def look_of(settings: Settings, palette: QPalette) -> Look:
    """The colours and fonts the settings choose; "system" takes the desktop's palette."""
    if settings.view_colors in PRESETS:
        return PRESETS[settings.view_colors]
    role = QPalette.ColorRole
    word = palette.color(role.Highlight).name()
    # Some themes pair the highlight with text of low contrast (Fusion: white on #308cc6, 3.7:1).
    word_text = max((palette.color(role.HighlightedText).name(), "#000000", "#ffffff"),
                    key=lambda c: contrast(c, word))
    return Look(palette.color(role.Text).name(), palette.color(role.Base).name(),
                palette.color(role.AlternateBase).name(), word, word_text)


class _Offsets:
    """Python string offsets <-> Qt document positions, which count UTF-16 units (an emoji
    is two) and a "\\r\\n" as one block break."""

    def __init__(self, text: str) -> None:
        self.shown = text.replace("\r\n", " \n").replace("\r", "\n")  # same length as text
        self._wide = [i for i, c in enumerate(self.shown) if ord(c) > 0xFFFF]

    def to_qt(self, offset: int) -> int:
        return offset + bisect_right(self._wide, offset - 1)

    def from_qt(self, position: int) -> int:
        offset = position
        for i in self._wide:  # few: emoji
            if i < offset:
                offset -= 1
        return max(0, offset)


class ReadingView(QWidget):
    """A window that follows the reading. speaker() gives the Speaker (None while loading)."""

    def __init__(self, speaker: Callable[[], Steerable | None], settings: Callable[[], Settings],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("kokoro-reader: reading view")
        self._speaker = speaker
        self._settings = settings
        self._utterance: int | None = None
        self._offsets = _Offsets("")
        self._shown: tuple | None = None  # (sentence, word) last highlighted
        # [start, end) of the word lit while shown, for any thread (ctl status): a plain tuple
        self.lit: tuple[int, int] | None = None
        self._styled: tuple | None = None  # the settings the look was made from

        self.text = QTextEdit()
        self.text.setReadOnly(True)
        # A caret that moves with the word, for screen readers and for Enter; keyboard and
        # mouse can still select to copy.
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                          | Qt.TextInteractionFlag.TextSelectableByMouse)
        describe(self.text, "Text being read",
                 "The word being heard is highlighted. Space pauses or resumes; Left and Right go to the "
                 "previous or next sentence, Control with Left and Right by word; Enter or a click reads on "
                 "from that word; Escape hides the view.")
        self.text.installEventFilter(self)
        self.text.viewport().installEventFilter(self)
        self.text.setPlaceholderText("Nothing is being read. Select text and press the read hotkey.")

        def button(title: str, name: str, what: str, action: Callable[[Steerable], None]) -> QPushButton:
            b = QPushButton(title)
            describe(b, name, what)
            b.clicked.connect(lambda: self._steer(action))
            return b

        self.previous_sentence = button("&Previous sentence", "Previous sentence", "Read the sentence before (Left).",
                                        lambda s: s.previous_sentence())
        self.previous_word = button("Previous wor&d", "Previous word", "Read on from the word before "
                                    "(Control+Left).", lambda s: s.previous_word())
        self.pause = button("P&ause / resume", "Pause or resume", "Pause or resume the reading (Space).",
                            lambda s: s.toggle())
        self.next_word = button("Next &word", "Next word", "Read on from the next word (Control+Right).",
                                lambda s: s.next_word())
        self.next_sentence = button("&Next sentence", "Next sentence", "Read the next sentence (Right).",
                                    lambda s: s.next_sentence())
        self.hide_button = QPushButton("&Hide")
        describe(self.hide_button, "Hide", "Hide the reading view (Escape); reading goes on.")
        self.hide_button.clicked.connect(self.hide)
        row = QHBoxLayout()
        for b in (self.previous_sentence, self.previous_word, self.pause, self.next_word, self.next_sentence):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.hide_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addLayout(row)
        self.focus_chain = [self.text, self.previous_sentence, self.previous_word, self.pause, self.next_word,
                            self.next_sentence, self.hide_button]
        for first, second in zip(self.focus_chain, self.focus_chain[1:]):
            QWidget.setTabOrder(first, second)

        self._timer = QTimer(self)
        self._timer.setInterval(FOLLOW_MS)
        self._timer.timeout.connect(self.follow)
        self.resize(720, 420)
        self.restyle()

    # -- showing ------------------------------------------------------------------------------
    def open(self) -> None:
        """The user asked for it (tray, hotkey, ctl view): shown, raised and focused."""
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, False)
        self.show()
        self.raise_()
        self.activateWindow()
        self.text.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_passive(self) -> None:
        """Reading started (view_on_read): shown without taking the keyboard focus."""
        if self.isVisible():
            return
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, True)
        self.show()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.restyle()
        self.follow()
        self._timer.start()

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self._timer.stop()
        self.lit = None

    # -- look -----------------------------------------------------------------------------
    def restyle(self) -> None:
        """Apply the settings' colours, font and spacing (when they changed)."""
        s = self._settings()
        desktop = QApplication.palette()  # follows the desktop's theme, high contrast included
        key = (s.view_colors, s.view_font, s.view_size, s.view_spacing, desktop.cacheKey())
        if key == self._styled:
            return
        self._styled = key
        look = self.look = look_of(s, desktop)
        palette = self.text.palette()
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            palette.setColor(group, QPalette.ColorRole.Base, QColor(look.background))
            palette.setColor(group, QPalette.ColorRole.Text, QColor(look.text))
        self.text.setPalette(palette)
        font = QFont(self.text.font())
        families = [f for f in (s.view_font, *look.fonts) if f]
        if families:
            font.setFamilies(families)
        font.setPointSize(s.view_size)
        font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, look.letter_spacing)
        self.text.setFont(font)
        self.text.document().setDefaultFont(font)
        self._space_lines()
        self._shown = None  # highlight again in the new colours
        self.follow()

    def _space_lines(self) -> None:
        cursor = QTextCursor(self.text.document())
        cursor.select(QTextCursor.SelectionType.Document)
        block = cursor.blockFormat()
        block.setLineHeight(self._settings().view_spacing * 100, 1)  # 1: ProportionalHeight
        cursor.mergeBlockFormat(block)

    # -- following --------------------------------------------------------------------------
    def follow(self) -> None:
        """Show what is heard now: the text (when it is a new one), its sentence and word."""
        if self.isVisible():
            self.restyle()  # the settings window may have changed the look
        speaker = self._speaker()
        heard = speaker.heard() if speaker is not None else None
        if heard is None:
            return
        if heard.utterance != self._utterance:
            self._utterance = heard.utterance
            self._offsets = _Offsets(heard.text)
            self.text.setPlainText(self._offsets.shown)
            self._space_lines()
            self._shown = None
        now = (heard.sentence, heard.word)
        if now == self._shown:
            return
        self._shown = now
        self._highlight(heard.sentence, heard.word)

    def _highlight(self, sentence, word) -> None:
        look, to_qt = self.look, self._offsets.to_qt
        marks = []
        sentence_format = QTextCharFormat()
        sentence_format.setBackground(QColor(look.sentence))
        sentence_format.setForeground(QColor(look.text))
        marks.append(self._selection(to_qt(sentence.start), to_qt(sentence.end), sentence_format))
        if word is not None:
            word_format = QTextCharFormat()
            word_format.setBackground(QColor(look.word))
            word_format.setForeground(QColor(look.word_text))
            marks.append(self._selection(to_qt(word.start), to_qt(word.end), word_format))
            self.lit = (word.start, word.end) if self.isVisible() else None
            if self.text.hasFocus() or self.text.textCursor().hasSelection():
                # Focused, the caret is the user's (a screen reader would speak every move over
                # the reading); it comes to the word when they focus the text. A selection being
                # made to copy stays too. The word is kept in view all the same.
                self._scroll_to(to_qt(word.start))
            else:
                self._caret_to(to_qt(word.start))
        self.text.setExtraSelections(marks)

    def _caret_to(self, position: int) -> None:
        cursor = self.text.textCursor()
        cursor.setPosition(position)
        self.text.setTextCursor(cursor)  # scrolls it into view

    def _scroll_to(self, position: int) -> None:
        cursor = QTextCursor(self.text.document())
        cursor.setPosition(position)
        rect, height = self.text.cursorRect(cursor), self.text.viewport().height()
        if rect.top() < 0 or rect.bottom() > height:
            bar = self.text.verticalScrollBar()
            bar.setValue(bar.value() + rect.center().y() - height // 2)

    def _selection(self, start: int, end: int, fmt: QTextCharFormat) -> QTextEdit.ExtraSelection:
        mark = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.text.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        mark.cursor = cursor
        fmt.setProperty(QTextFormat.Property.FullWidthSelection, False)
        mark.format = fmt
        return mark

    @property
    def highlighted(self) -> tuple[int, int] | None:
        """[start, end) of the lit word in the text (tests, and what a screen reader is told)."""
        marks = self.text.extraSelections()
        if len(marks) < 2:
            return None
        c = marks[1].cursor
        return self._offsets.from_qt(c.selectionStart()), self._offsets.from_qt(c.selectionEnd())

    # -- steering ---------------------------------------------------------------------------
    def _steer(self, action: Callable[[Steerable], None]) -> None:
        speaker = self._speaker()
        if speaker is not None:
            action(speaker)

    def _read_at(self, position: int) -> None:
        """Read on from the word at document position (a click, Enter)."""
        offset = self._offsets.from_qt(position)
        self._steer(lambda s: s.read_from(offset))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and watched is self.text:
            return self._key(event)
        if event.type() == QEvent.Type.FocusIn and watched is self.text and self._shown and self._shown[1]:
            self._caret_to(self._offsets.to_qt(self._shown[1].start))  # where the reading is
        if (event.type() == QEvent.Type.MouseButtonRelease and watched is self.text.viewport()
                and event.button() == Qt.MouseButton.LeftButton and not self.text.textCursor().hasSelection()):
            self._read_at(self.text.cursorForPosition(event.position().toPoint()).position())
        return super().eventFilter(watched, event)

    def _key(self, event) -> bool:
        key, mods = event.key(), event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        if (event.matches(QKeySequence.StandardKey.Copy) or event.matches(QKeySequence.StandardKey.SelectAll)
                or mods & Qt.KeyboardModifier.ShiftModifier):
            return False  # the text edit copies and selects (Shift with the arrows)
        if key == Qt.Key.Key_Space and not ctrl:
            self._steer(lambda s: s.toggle())
        elif key == Qt.Key.Key_Left:
            self._steer(lambda s: s.previous_word() if ctrl else s.previous_sentence())
        elif key == Qt.Key.Key_Right:
            self._steer(lambda s: s.next_word() if ctrl else s.next_sentence())
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._read_at(self.text.textCursor().position())
        elif key == Qt.Key.Key_Escape:
            self.hide()
        else:
            return False  # Up, Down, Page keys, Home, End: the caret, to review the text
        return True

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
            return
        super().keyPressEvent(event)


__all__ = ["FOLLOW_MS", "ReadingView", "Steerable", "look_of"]
