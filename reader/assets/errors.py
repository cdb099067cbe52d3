"""Why a source could not provide an asset (raised by sources and by the cache's checks)."""
from __future__ import annotations


class SourceUnavailable(Exception):
    """A source cannot provide an asset. `short` goes into the user message, `detail` to the log."""

    def __init__(self, short: str, detail: str = "", *, notable: bool = False):
        super().__init__(f"{short}: {detail}" if detail else short)
        self.short = short
        self.detail = detail
        self.notable = notable  # worth telling the user even though the source is local


class NotProvided(SourceUnavailable):
    """The source never has this kind of asset (npm has no model): left out of messages."""


__all__ = ["SourceUnavailable", "NotProvided"]
