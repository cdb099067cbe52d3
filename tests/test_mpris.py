"""MPRIS metadata on real Qt D-Bus adaptors (no bus needed to read them): the sentence heard
is the title, unless the user keeps the text off the bus (media_title false)."""
from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import QObject

from reader.settings.model import Settings
from reader.speaker import Heard
from reader.types import Span
from tests.test_settings_window import OFFSCREEN


@pytest.fixture(scope="session")
def qapp_args():
    return ["kokoro-reader-tests", "-platform", OFFSCREEN]


class Reading:
    def heard(self):
        return Heard(7, "First one.  Second   one here.", Span(12, 30), Span(12, 18))


class Controller:
    speaker = Reading()
    settings = Settings()


def test_the_title_is_the_sentence_heard_or_only_the_name(qapp):
    from reader.ui.mpris import _Player

    controller = Controller()
    player = _Player(QObject(), controller)
    data = player._metadata()
    assert data["xesam:title"] == "Second one here." and data["mpris:trackid"].path().endswith("/text/7")
    controller.settings = dataclasses.replace(Settings(), media_title=False)
    assert player._metadata()["xesam:title"] == "kokoro-reader"
    controller.speaker = None
    assert "xesam:title" not in player._metadata()
