"""The bench's shared arithmetic: trial counts scaled to the machine's pace, medians,
percentiles, milliseconds, memory."""
from __future__ import annotations

import statistics

# The pace (seconds of audio per second of work) of the machine the trial counts were set
# for. Slower machines (3.5x slower ones exist) run proportionally fewer trials, at least
# MIN_TRIALS, and one RTF run, so the bench ends in minutes there too; the result says so.
IDLE_PACE = 3.0
MIN_TRIALS = 3


def scaled(count: int, pace: float, least: int = MIN_TRIALS) -> int:
    """count for a machine at IDLE_PACE, scaled down to this pace (never up, never below least)."""
    return max(min(count, least), min(count, round(count * min(1.0, pace / IDLE_PACE))))


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def median(values: list[float]) -> float:
    return round(statistics.median(values), 4)


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank): with 20 trials, the second slowest."""
    ordered = sorted(values)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]


def ms(values: list[float]) -> float | None:
    """The median in milliseconds (None without values)."""
    return round(statistics.median(values) * 1000, 1) if values else None


def p95_ms(values: list[float]) -> float | None:
    return round(p95(values) * 1000, 1) if values else None


__all__ = ["IDLE_PACE", "MIN_TRIALS", "scaled", "rss_mb", "median", "p95", "ms", "p95_ms"]
