"""kokoro-reader: reads text aloud with the Kokoro-82M voice, offline."""
__version__ = "0.1.0"
