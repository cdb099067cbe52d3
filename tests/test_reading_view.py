"""The reading view on real widgets (pytest-qt, offscreen) with a Speaker stand-in: it shows
what heard() says, steers by keyboard and mouse, names its controls, and its colour presets
keep their contrast in rendered pixels at 100 % and 200 %."""
from __future__ import annotations

import collections
import dataclasses
import json
import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage

from reader.settings.model import VIEW_COLORS, Settings
from reader.speaker import Heard
from reader.types import Span
from reader.ui.looks import HIGH_CONTRAST, PRESETS, contrast
from reader.ui.readingview import ReadingView
from tests.test_settings_window import ARTIFACTS, OFFSCREEN

Key, Mod = Qt.Key, Qt.KeyboardModifier
TEXT = "First sentence is here. Second one 🙂 follows now.\nThird and last."


@pytest.fixture(scope="session")
def qapp_args():
    return ["kokoro-reader-tests", "-platform", OFFSCREEN]


class Reader:
    """Stands in for the Speaker: answers heard() with what the test sets, records steering."""

    def __init__(self) -> None:
        self.now: Heard | None = None
        self.calls: list[tuple] = []

    def heard(self) -> Heard | None:
        return self.now

    def at(self, word: str, utterance: int = 1, text: str = TEXT) -> Span:
        from reader.text.split import sentences

        start = text.index(word)
        sentence = next(s.span for s in sentences(text) if s.span.start <= start < s.span.end)
        self.now = Heard(utterance, text, sentence, Span(start, start + len(word)))
        return self.now.word

    def __getattr__(self, name):
        if name in ("toggle", "next_sentence", "previous_sentence", "next_word", "previous_word", "read_from"):
            return lambda *args: self.calls.append((name, *args))
        raise AttributeError(name)


@pytest.fixture
def view(qtbot):
    reader = Reader()
    settings = [Settings()]
    view = ReadingView(lambda: reader, lambda: settings[0])
    qtbot.addWidget(view)
    view.reader, view.settings = reader, settings
    return view


def test_the_view_shows_the_text_and_lights_the_word_heard_now(view, qtbot):
    view.open()
    view.pause.setFocus()  # the text not focused: its caret follows the reading
    qtbot.waitUntil(lambda: not view.text.hasFocus(), timeout=2000)
    assert view.highlighted is None  # nothing heard yet
    span = view.reader.at("sentence")
    view.follow()
    assert view.text.toPlainText() == TEXT
    assert view.highlighted == (span.start, span.end)
    assert view.text.textCursor().position() == span.start  # the caret (a screen reader's) is there
    span = view.reader.at("follows")  # after an emoji: two UTF-16 units in the document
    qtbot.waitUntil(lambda: view.highlighted == (span.start, span.end), timeout=2000)  # the view's own timer
    marks = view.text.extraSelections()
    second = view.reader.now.sentence
    assert TEXT[second.start:second.end].startswith("Second") and TEXT[second.end - 1] == "."
    # The sentence in the document's UTF-16 units: the emoji counts two.
    assert (marks[0].cursor.selectionStart(), marks[0].cursor.selectionEnd()) == (second.start, second.end + 1)
    view.reader.at("Third", utterance=2, text=TEXT.replace("First", "Other"))  # a new text replaces the old
    view.follow()
    assert view.text.toPlainText().startswith("Other sentence")


def test_focused_the_caret_is_the_users_and_comes_to_the_word_on_focus(view, qtbot):
    """A screen reader speaks caret moves in the focused text: the reading must not move it
    there (it would speak every word over the reading)."""
    view.open()
    qtbot.waitUntil(view.text.hasFocus, timeout=2000)
    first = view.reader.at("First")
    view.follow()
    assert view.text.textCursor().position() == first.start  # focus came with the first word
    view.reader.at("here")
    view.follow()
    assert view.highlighted == (TEXT.index("here"), TEXT.index("here") + 4)
    assert view.text.textCursor().position() == first.start  # lit, the caret left alone
    view.pause.setFocus()
    qtbot.waitUntil(lambda: not view.text.hasFocus(), timeout=2000)
    view.text.setFocus()
    qtbot.waitUntil(view.text.hasFocus, timeout=2000)
    assert view.text.textCursor().position() == TEXT.index("here")  # focus brings it to the word


def test_keys_and_clicks_steer_the_reading(view, qtbot):
    view.open()
    view.reader.at("one")
    view.follow()
    for key, mods, call in ((Key.Key_Space, Mod.NoModifier, "toggle"), (Key.Key_Left, Mod.NoModifier, "previous_sentence"),
                            (Key.Key_Right, Mod.NoModifier, "next_sentence"),
                            (Key.Key_Left, Mod.ControlModifier, "previous_word"),
                            (Key.Key_Right, Mod.ControlModifier, "next_word")):
        qtbot.keyClick(view.text, key, mods)
        assert view.reader.calls[-1] == (call,)
    cursor = view.text.textCursor()
    cursor.setPosition(TEXT.index("one") + 1)  # the user moved the caret into a word
    view.text.setTextCursor(cursor)
    qtbot.keyClick(view.text, Key.Key_Return)  # reads on from the caret
    assert view.reader.calls[-1] == ("read_from", TEXT.index("one") + 1)  # the Speaker finds the word's start
    cursor = view.text.textCursor()
    cursor.setPosition(TEXT.index("Third") + 2)
    rect = view.text.cursorRect(cursor)
    qtbot.mouseClick(view.text.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.x(), rect.center().y()))
    clicked = view.reader.calls[-1]
    assert clicked[0] == "read_from" and TEXT.index("Third") <= clicked[1] <= TEXT.index("Third") + 5
    for button, call in ((view.previous_sentence, "previous_sentence"), (view.next_word, "next_word"),
                         (view.pause, "toggle")):
        button.click()
        assert view.reader.calls[-1] == (call,)
    qtbot.keyClick(view.text, Key.Key_Escape)
    assert not view.isVisible()


def test_every_control_is_named_and_reached_by_tab(view, qtbot):
    view.open()
    qtbot.waitUntil(view.text.hasFocus, timeout=2000)
    seen = [view.focusWidget()]
    for _ in range(len(view.focus_chain) - 1):
        qtbot.keyClick(view.focusWidget(), Key.Key_Tab)
        seen.append(view.focusWidget())
    assert seen == view.focus_chain
    assert all(w.accessibleName() and w.accessibleDescription() for w in view.focus_chain)


def test_opened_by_the_reader_it_does_not_take_the_focus(view):
    view.show_passive()
    assert view.isVisible()
    assert view.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    view.hide()
    view.open()  # asked for by the user: it does
    assert not view.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)


def test_the_look_follows_the_settings(view):
    view.open()
    view.settings[0] = dataclasses.replace(Settings(), view_colors="yellow-on-black", view_size=40, view_spacing=2.0)
    view.follow()
    assert view.text.font().pointSize() == 40
    assert view.text.palette().color(view.text.palette().ColorRole.Base).name() == PRESETS["yellow-on-black"].background
    block = view.text.document().firstBlock().blockFormat()
    assert block.lineHeight() == 200


def _pixels(image: QImage, rect: list[int]) -> collections.Counter:
    x0, y0, w, h = rect
    return collections.Counter(image.pixelColor(x, y).getRgb()[:3] for x in range(max(0, x0), min(image.width(), x0 + w))
                               for y in range(max(0, y0), min(image.height(), y0 + h)))


def _rendered_contrast(image: QImage, rect: list[int]) -> float:
    """Text against its background in the rendered pixels: the commonest colour is the
    background; the glyphs' core is the colour farthest from it."""
    pixels = _pixels(image, rect)
    background = pixels.most_common(1)[0][0]
    return max(contrast(background, c) for c in pixels)


def test_colour_presets_keep_their_contrast_at_100_and_200_percent():
    """Every preset rendered (tests/view_shot.py) at 100 % and 200 %: text and the lit word
    against their backgrounds, from the pixels. High-contrast presets: at least 7:1 (WCAG
    AAA); the others at least 4.5:1 (AA)."""
    ratios = {}
    for scale in (1, 2):
        out = ARTIFACTS / f"view-{scale * 100}"
        out.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "QT_QPA_PLATFORM": OFFSCREEN, "QT_SCALE_FACTOR": str(scale)}
        done = subprocess.run([sys.executable, "-m", "tests.view_shot", str(out)], env=env, capture_output=True,
                              check=False, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        rects = json.loads(done.stdout.strip().splitlines()[-1])
        for name in VIEW_COLORS:
            image = QImage(str(out / f"view-{name}.png"))
            assert image.width() > 500 * scale  # rendered at this scale
            plain = _rendered_contrast(image, rects[name]["plain"])
            word = _rendered_contrast(image, rects[name]["word"])
            ratios[(name, scale)] = (round(plain, 1), round(word, 1))
            need = 7.0 if name in HIGH_CONTRAST else 4.5
            assert plain >= need and word >= need, (name, scale, plain, word)
    print("view contrast (text, lit word):", ratios)
    assert set(HIGH_CONTRAST) <= set(VIEW_COLORS)
