"""How many threads the model runs on: measured once on this computer, kept beside the model.

One thread per physical core is fastest on an idle machine with fast cores, but not
everywhere: the cores' pool waits at every step for its slowest thread, which costs most
where a core is shared or slow. So the first run times the decoder with 1 thread and with
one per physical core on the same frames and keeps the faster (one thread must win by
THRESHOLD to be chosen, since the measurement is short). `--threads N` overrides it.
"""
from __future__ import annotations

import contextlib
import json
import logging
import statistics
from collections.abc import Callable
from pathlib import Path

from reader.files import write_text_atomic

_LOGGER = logging.getLogger(__name__)

THRESHOLD = 0.9  # 1 thread is chosen only when it takes <= 0.9x the time of all cores
RUNS = 3  # timed decodes per candidate (median), after one untimed warm-up


def pick_threads(cores: int, time_decode: Callable[[int], float], record: Path | None) -> int:
    """The thread count for this machine: from `record` when it holds one for `cores`
    cores, else measured with time_decode(threads) -> seconds, and written to `record`."""
    if cores <= 1:
        return 1
    if record is not None:
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            known = json.loads(record.read_text("utf-8"))
            if known["cores"] == cores:
                return int(known["threads"])
    timings = {}
    for threads in (1, cores):
        time_decode(threads)  # warm-up: the first run allocates
        timings[threads] = statistics.median(time_decode(threads) for _ in range(RUNS))
    chosen = 1 if timings[1] <= THRESHOLD * timings[cores] else cores
    _LOGGER.debug("decoder: 1 thread %.3f s, %d threads %.3f s: using %d", timings[1], cores, timings[cores],
                  chosen)
    if record is not None:
        with contextlib.suppress(OSError):  # else measured again next time
            write_text_atomic(record, json.dumps({"cores": cores, "threads": chosen,
                                                  "seconds": {str(k): round(v, 4) for k, v in timings.items()}}))
    return chosen


__all__ = ["pick_threads"]
