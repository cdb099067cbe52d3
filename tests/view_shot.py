"""Screenshots of the reading view in every colour preset: python -m tests.view_shot OUT_DIR

Run in a fresh process so that QT_SCALE_FACTOR (2 for 200 %) applies. Writes view-NAME.png
per preset and prints one JSON object: per preset, the device-pixel rectangles [x, y, w, h]
of the plain first line ("plain") and of the lit word ("word"), for tests/test_reading_view.py.
"""
from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from reader.settings.model import VIEW_COLORS, Settings
from reader.speaker import Heard
from reader.types import Span
from reader.ui.readingview import ReadingView

TEXT = "Plain words on the first line.\nThe word here is lit now."
WORD = Span(TEXT.index("lit"), TEXT.index("lit") + 3)


class Still:
    """A Speaker that is always at the same word."""

    def heard(self) -> Heard:
        return Heard(1, TEXT, Span(TEXT.index("The"), len(TEXT)), WORD)


def main(out: str) -> int:
    app = QApplication(["view-shot"])
    found = {}
    for name in VIEW_COLORS:
        settings = dataclasses.replace(Settings(), view_colors=name, view_size=24)
        view = ReadingView(Still, lambda s=settings: s)
        view.resize(640, 300)
        view.show()
        app.processEvents()
        view.text.clearFocus()  # no caret drawn over the word
        app.processEvents()
        image = view.text.viewport().grab()
        ratio = image.devicePixelRatio()
        if not image.save(str(Path(out) / f"view-{name}.png")):
            return 1
        cursor = view.text.textCursor()
        cursor.setPosition(0)
        first = view.text.cursorRect(cursor)
        line = [0, first.top(), view.text.viewport().width(), first.height()]
        cursor.setPosition(WORD.start)
        a = view.text.cursorRect(cursor)
        cursor.setPosition(WORD.end)
        b = view.text.cursorRect(cursor)
        word = [a.left() + 2, a.top(), b.left() - a.left() - 2, a.height()]
        found[name] = {"plain": [round(v * ratio) for v in line], "word": [round(v * ratio) for v in word],
                       "highlighted": list(view.highlighted or ())}
        view.close()
        view.deleteLater()
        app.processEvents()
    print(json.dumps(found))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
