#!/usr/bin/env python3
"""How well number-, symbol- and abbreviation-heavy English is understood when read aloud
(issue 15): Whisper tiny.en WER of our reading and of kokoro-onnx 0.6.1's own pipeline, on
the same model file and voice, against what a careful reader says.

usage: python scripts/eval_spoken.py [--sentences 60] [--voice af_heart] [--verbose]

tests/data/spoken_sentences.tsv holds the sentences (as written, as said). Both readings are
transcribed the same way (tests/asr.py) and scored against the spoken form with jiwer after
Whisper's English normalizer (tests/spoken_eval.score). Prints one JSON object.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np

from reader.synth.core import load_core
from reader.types import SAMPLE_RATE, Utterance
from tests import asr
from tests.spoken_eval import peer_reader, score, spoken_sentences


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=60)
    parser.add_argument("--voice", default="af_heart")
    parser.add_argument("--verbose", action="store_true", help="each sentence's transcripts on stderr")
    parser.add_argument("--no-peer", action="store_true")
    args = parser.parse_args()
    rows = spoken_sentences()[:args.sentences]
    synth, _ = load_core(voice=args.voice)
    theirs = None if args.no_peer else peer_reader(args.voice)
    refs, ours_heard, theirs_heard = [], [], []
    began = time.perf_counter()
    for written, said in rows:
        audio = np.concatenate([c.samples for c in synth.stream(Utterance(written, args.voice), realtime=False)])
        ours_heard.append(asr.transcribe(audio, SAMPLE_RATE))
        refs.append(said)
        if theirs is not None:
            samples, rate = theirs(written)
            theirs_heard.append(asr.transcribe(samples, rate))
        if args.verbose:
            print(json.dumps({"said": said, "ours": ours_heard[-1], "theirs": theirs_heard[-1] if theirs else None}),
                  file=sys.stderr)
    out = {"sentences": len(rows), "voice": args.voice, "wer_ours": round(score(refs, ours_heard), 4),
           "wer_ours_plain_normalizer": round(asr.wer(refs, ours_heard), 4)}
    if theirs is not None:
        out["wer_peer"] = round(score(refs, theirs_heard), 4)
        out["wer_peer_plain_normalizer"] = round(asr.wer(refs, theirs_heard), 4)
        out["ratio"] = round(out["wer_ours"] / out["wer_peer"], 3) if out["wer_peer"] else None
        out["peer"] = "kokoro-onnx create(), same model and voice"
    out["seconds"] = round(time.perf_counter() - began, 1)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
