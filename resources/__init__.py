"""Data files shipped with kokoro-reader (read with importlib.resources)."""
