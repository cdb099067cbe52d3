#!/usr/bin/env python3
"""Whole paragraphs against their sentences read one by one (issue 15): Whisper tiny.en WER
of ten 100-150-word paragraphs (tests/data/paragraphs.txt) synthesized whole, as the reader
reads a selection, and of the same paragraphs with each sentence synthesized on its own.
A paragraph read whole should be understood as well: the issue asks for at most 1.2 times
the sentences' WER. Prints one JSON object (per paragraph and in total).

usage: python scripts/eval_paragraphs.py [--voice af_heart] [--paragraphs 10]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from reader.bench import asr  # noqa: E402
from reader.synth.core import load_core  # noqa: E402
from reader.text.split import sentences  # noqa: E402
from reader.types import SAMPLE_RATE, Utterance  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voice", default="af_heart")
    parser.add_argument("--paragraphs", type=int, default=10)
    args = parser.parse_args()
    lines = (ROOT / "tests" / "data" / "paragraphs.txt").read_text("utf-8").splitlines()
    paragraphs = [line for line in lines if line.strip() and not line.startswith("#")][:args.paragraphs]
    synth, _ = load_core(voice=args.voice)

    def heard(text: str) -> str:
        audio = np.concatenate([c.samples for c in synth.stream(Utterance(text, args.voice), realtime=False)])
        return asr.transcribe(audio, SAMPLE_RATE)

    refs, whole, parts, rows = [], [], [], []
    for paragraph in paragraphs:
        said_whole = heard(paragraph)
        said_parts = " ".join(heard(s.text) for s in sentences(paragraph))
        ref = asr.normalize(paragraph)
        row = {"words": len(paragraph.split()),
               "wer_whole": round(asr.wer([ref], [asr.normalize(said_whole)]), 4),
               "wer_sentences": round(asr.wer([ref], [asr.normalize(said_parts)]), 4)}
        rows.append(row)
        print(json.dumps(row), file=sys.stderr)
        refs.append(ref)
        whole.append(asr.normalize(said_whole))
        parts.append(asr.normalize(said_parts))
    total_whole, total_parts = asr.wer(refs, whole), asr.wer(refs, parts)
    print(json.dumps({"voice": args.voice, "paragraphs": rows, "wer_whole": round(total_whole, 4),
                      "wer_sentences": round(total_parts, 4),
                      "ratio": round(total_whole / total_parts, 3) if total_parts else None}, indent=1))


if __name__ == "__main__":
    main()
