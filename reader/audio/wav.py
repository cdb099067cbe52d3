"""WAV output: 24 kHz mono 16-bit PCM, written chunk by chunk so memory stays bounded."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np

from reader.types import SAMPLE_RATE, AudioChunk, ReaderError


def write_wav(path: Path, chunks: Iterable[AudioChunk]) -> float:
    """Write the stream to path (via a temp name, so a failed run leaves no half file); seconds written."""
    import soundfile as sf

    tmp = path.with_name(path.name + ".part")
    written = 0
    try:
        with sf.SoundFile(tmp, "w", samplerate=SAMPLE_RATE, channels=1, subtype="PCM_16", format="WAV") as f:
            for chunk in chunks:
                f.write(np.clip(chunk.samples, -1.0, 1.0))
                written += len(chunk.samples)
        tmp.replace(path)
    except (OSError, sf.LibsndfileError) as exc:
        tmp.unlink(missing_ok=True)
        raise ReaderError(f"cannot write {path}: {exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return written / SAMPLE_RATE
