"""The model's thread count: measured once (1 thread vs one per core), then read back."""
import json

from reader.engine.threads import THRESHOLD, pick_threads


def test_the_faster_count_is_kept_and_read_back(tmp_path):
    record = tmp_path / "threads.json"
    timed = []

    def slow_pool(threads: int) -> float:  # a shared or slow machine: the pool waits on its slowest
        timed.append(threads)
        return {1: 1.0, 4: 1.5}[threads]

    assert pick_threads(4, slow_pool, record) == 1
    assert json.loads(record.read_text())["threads"] == 1 and set(timed) == {1, 4}
    timed.clear()
    assert pick_threads(4, slow_pool, record) == 1 and timed == []  # not measured again


def test_all_cores_unless_one_thread_is_clearly_faster(tmp_path):
    close = {1: THRESHOLD + 0.05, 2: 1.0}  # one thread a little faster: within noise
    assert pick_threads(2, close.__getitem__, tmp_path / "a.json") == 2
    assert pick_threads(2, {1: 0.5, 2: 1.0}.__getitem__, tmp_path / "b.json") == 1
    assert pick_threads(1, close.__getitem__, None) == 1


def test_a_record_for_other_cores_or_a_damaged_one_is_measured_again(tmp_path):
    record = tmp_path / "threads.json"
    record.write_text(json.dumps({"cores": 8, "threads": 1}))
    assert pick_threads(2, {1: 2.0, 2: 1.0}.__getitem__, record) == 2
    record.write_text("{not json")
    assert pick_threads(2, {1: 0.5, 2: 1.0}.__getitem__, record) == 1
