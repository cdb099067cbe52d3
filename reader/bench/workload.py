"""What every bench figure is measured on: one 12-word sentence, one paragraph, one voice."""
from __future__ import annotations

SENTENCE = "Please remember to water the plants before you leave for the weekend."  # 12 words
PARAGRAPH = (
    "The old lighthouse stood at the edge of the cliff for more than a hundred years. "
    "Every night, its keeper climbed the narrow stairs, trimmed the wick, and watched the "
    "beam sweep across the dark water. Ships passing the rocky coast relied on that light "
    "to find their way home, and many sailors owed their lives to it. When the lamp was "
    "finally replaced by an automatic beacon, the town held a small ceremony to thank the "
    "last keeper, a quiet woman who had spent forty years in the tower. She told the crowd "
    "that she had never felt lonely, because the sea was always talking. Today the building "
    "is a museum, and visitors can climb the same stairs, look through the great lens, and "
    "imagine the storms that once battered the walls. On clear evenings, volunteers still "
    "light a lantern in the window, a small reminder of the people who kept the coast safe "
    "for so long."
)
VOICE = "af_heart"


__all__ = ["SENTENCE", "PARAGRAPH", "VOICE"]
