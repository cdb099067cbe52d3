"""Calling an observer: its bug is logged, never raised into the thread that tells it.

The sink's notifier, the Speaker's event thread and the controller's status changes all
tell listeners this way: one listener's exception must not stop the events after it."""
from __future__ import annotations

import logging
from collections.abc import Callable

_LOGGER = logging.getLogger(__name__)


def notify(callback: Callable[..., object] | None, *args: object, who: str) -> None:
    """callback(*args) unless it is None; `who` names it in the log if it raises."""
    if callback is None:
        return
    try:
        callback(*args)
    except Exception:
        _LOGGER.exception("%s failed", who)


__all__ = ["notify"]
