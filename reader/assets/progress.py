"""Progress of a download: the display interface, a silent one and a terminal bar."""
from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Protocol


class Progress(Protocol):
    """A progress display for one transfer: told how many more bytes arrived."""

    def update(self, n: int) -> object: ...


# progress(total_bytes or None, description) -> context manager yielding a Progress
ProgressFactory = Callable[[int | None, str], AbstractContextManager[Progress]]


class _NullProgress:
    """The default: no output."""

    def update(self, n: int) -> None:
        pass


def no_progress(total: int | None, description: str) -> AbstractContextManager[Progress]:
    return contextlib.nullcontext(_NullProgress())


def tqdm_progress(total: int | None, description: str) -> AbstractContextManager[Progress]:
    """A byte progress bar on stderr for the CLI; silent when stderr is not a terminal."""
    from tqdm import tqdm

    stream = sys.stderr
    quiet = stream is None or not stream.isatty()
    return tqdm(total=total, desc=description, unit="B", unit_scale=True,
                unit_divisor=1024, file=stream, disable=quiet)


__all__ = ["Progress", "ProgressFactory", "no_progress", "tqdm_progress"]
