"""A Speaker listener for tests: keeps events in order; waits on a Condition, never sleeps."""
from __future__ import annotations

import threading
import time

from reader.speaker import Listener


class SpeakerEvents(Listener):
    """Records ("state", value), ("sentence", index), ("finished",), ("error", message) and when."""

    def __init__(self) -> None:
        self.events: list[tuple] = []
        self.times: list[float] = []
        self._cond = threading.Condition()

    def _add(self, *event) -> None:
        with self._cond:
            self.events.append(event)
            self.times.append(time.monotonic())
            self._cond.notify_all()

    def state_changed(self, state) -> None:
        self._add("state", state.value)

    def sentence_started(self, index, span) -> None:
        self._add("sentence", index)

    def finished(self) -> None:
        self._add("finished")

    def error(self, message) -> None:
        self._add("error", message)

    def wait_for(self, *event, count: int = 1, timeout: float = 10.0) -> float:
        """Block until `event` has arrived `count` times; return when it first did."""
        with self._cond:
            ok = self._cond.wait_for(lambda: self.events.count(event) >= count, timeout)
            assert ok, f"no {event} within {timeout} s; got {self.events}"
            return self.times[self.events.index(event)]
