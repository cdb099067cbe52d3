"""How the reading view looks: its colour presets (no Qt here, so tests can use them
without a display).

The preset names are the settings' vocabulary (settings/model.py VIEW_COLORS); "system"
takes the desktop's palette (and so its high-contrast theme) and is not listed here.
"""
from __future__ import annotations

from dataclasses import dataclass

from reader.settings.model import VIEW_COLORS


@dataclass(frozen=True)
class Look:
    """Colours as "#rrggbb": the text on its background, the sentence being read (its
    background), the word being heard (background and text). fonts: families to try first,
    in order (the user's font, when chosen, comes before them); letter_spacing: percent."""

    text: str
    background: str
    sentence: str
    word: str
    word_text: str
    fonts: tuple[str, ...] = ()
    letter_spacing: float = 100.0


PRESETS: dict[str, Look] = {
    "dark": Look("#e6e6e6", "#1e1e1e", "#2c3e57", "#ffd54f", "#000000"),
    "light": Look("#1a1a1a", "#ffffff", "#dcebff", "#0d47a1", "#ffffff"),
    "high-contrast": Look("#ffffff", "#000000", "#262626", "#ffff00", "#000000"),
    "yellow-on-black": Look("#ffff00", "#000000", "#262626", "#ffffff", "#000000"),
    # The British Dyslexia Association's style guide: a cream background, dark (not black)
    # text, a plain sans-serif font with wider letter spacing. The first font found wins;
    # DejaVu Sans comes with every Debian desktop.
    "dyslexia": Look("#1e1e1e", "#fbf5e6", "#e6efd2", "#2b4c7e", "#ffffff",
                     fonts=("OpenDyslexic", "Atkinson Hyperlegible", "Lexend", "Verdana", "DejaVu Sans"),
                     letter_spacing=108.0),
}
# The presets promised to people who need strong contrast (WCAG AAA for text: 7:1).
HIGH_CONTRAST = ("high-contrast", "yellow-on-black")
COLOR_TITLES = {"system": "The desktop's colours", "dark": "Dark", "light": "Light",
                "high-contrast": "High contrast (white on black)", "yellow-on-black": "Yellow on black",
                "dyslexia": "Dyslexia-friendly (cream, wide letters)"}
assert {"system", *PRESETS} == set(VIEW_COLORS) == set(COLOR_TITLES)  # the settings' names, one look each


def luminance(color: str | tuple[int, int, int]) -> float:
    """WCAG 2 relative luminance of "#rrggbb" or (r, g, b) in 0-255."""
    rgb = tuple(int(color[i:i + 2], 16) for i in (1, 3, 5)) if isinstance(color, str) else color

    def linear(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = map(linear, rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str | tuple[int, int, int], b: str | tuple[int, int, int]) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


__all__ = ["COLOR_TITLES", "HIGH_CONTRAST", "Look", "PRESETS", "contrast", "luminance"]
