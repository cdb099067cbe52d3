#!/usr/bin/env python3
"""How well number-, symbol- and abbreviation-heavy English is understood when read aloud
(issue 15): Whisper tiny.en WER of our reading and of kokoro-onnx 0.6.1's own pipeline, on
the same model file and voice, against what a careful reader says.

usage: python scripts/eval_spoken.py [--sentences 60] [--verbose]

resources/spoken_sentences.tsv holds the sentences (as written, as said). Both readings are
transcribed the same way (reader/bench/asr.py) and scored against the spoken form with jiwer after
Whisper's English normalizer (reader/bench/reading.score). Prints one JSON object.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from reader.bench.reading import measure_reading
from reader.synth.core import load_core


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=60)
    parser.add_argument("--verbose", action="store_true", help="each sentence's transcripts on stderr")
    args = parser.parse_args()
    synth, _ = load_core(voice="af_heart")
    each = (lambda row: print(json.dumps(row), file=sys.stderr)) if args.verbose else None
    print(json.dumps(measure_reading(synth, args.sentences, each), indent=1))


if __name__ == "__main__":
    main()
