"""Saves a screenshot of the settings window at its default size: python -m tests.settings_shot OUT.png

Run in a fresh process so that QT_SCALE_FACTOR (e.g. 2 for 200 %) applies. Prints "W H" of the
window in device-independent pixels.
"""
from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from reader.assets.manifest import Manifest
from reader.settings.model import Settings
from reader.ui.settings import SettingsDialog
from reader.ui.voicepicker import VoiceChoice


def main(out: str) -> int:
    app = QApplication(["settings-shot"])
    voices = [VoiceChoice(name, a.language, a.gender) for name, a in Manifest.load().voices.items()]
    dialog = SettingsDialog(Settings(), voices, lambda settings: "", preview=lambda voice, speed: None,
                            devices=lambda: ["Built-in Audio Analog Stereo", "USB Headset"])
    dialog.show()
    app.processEvents()
    if not dialog.grab().save(out):
        return 1
    print(dialog.width(), dialog.height())
    dialog.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
