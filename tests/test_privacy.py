"""No log line may contain the text being read."""
import logging
import subprocess
import sys

import pytest

from reader.types import Utterance

pytestmark = pytest.mark.model

SECRET = "Zanzibar quokka mortgage password hunter42 is mine."
WORDS = ["zanzibar", "quokka", "mortgage", "hunter42"]


def test_no_log_record_holds_the_text(core, caplog):
    caplog.set_level(logging.DEBUG)
    list(core.stream(Utterance(SECRET)))
    logged = "\n".join(r.getMessage() + repr(r.args) for r in caplog.records).lower()
    assert not any(w in logged for w in WORDS)


def test_cli_debug_output_holds_no_text(tmp_path):
    out = tmp_path / "x.wav"
    proc = subprocess.run([sys.executable, "-m", "reader.cli", "--debug", "say", SECRET, "-o", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert out.stat().st_size > 10_000
    both = (proc.stdout + proc.stderr).lower()
    assert not any(w in both for w in WORDS)
