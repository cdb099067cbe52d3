#!/usr/bin/env python3
"""How well the synthesizer's word timings (AudioChunk.words) match the audio (issue 13).

usage: python scripts/eval_word_timings.py [--sentences 30] [--voices af_heart,bf_emma,ff_siwis]

English voices: each utterance (3 sentences of tests/data/timing_sentences.txt) is
synthesized with realtime=False and transcribed by faster-whisper tiny.en with
word_timestamps=True (reader/bench/asr.py: the ../shared/eval setup, offline); words are matched by
their normalized text (difflib) and each matched word's start and end compared (ours minus
Whisper's). Every voice, any language: at each word boundary where the text has a pause mark,
the pause heard in the audio (silent 5 ms frames) against our word edges (tests/word_timing.py).
Non-English voices (tests/data/timing_sentences_fr.txt for French) get the pause check, and
what Whisper tiny.en makes of them: its word count against ours (it knows no French, so no
word of it can be matched to ours by text).

--whisper-on-espeak first measures Whisper itself against espeak-ng's own word starts (its WORD
events), on the same English sentences: the reference's own error.

Prints one JSON object: per voice, the figures in ms (median, p95, max of |error|, signed
median = ours minus reference), matched fraction, words.
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

from reader.synth.core import load_core  # noqa: E402
from reader.types import SAMPLE_RATE, Utterance  # noqa: E402
from reader.bench import asr  # noqa: E402
from tests import aligner  # noqa: E402
from tests import word_timing as wt  # noqa: E402
from tests.aligner import espeak_words  # noqa: E402

SENTENCES = {"en": "timing_sentences.txt", "fr": "timing_sentences_fr.txt"}


def evaluate(synth, voice: str, sentences: int, verbose: bool = False) -> dict:
    language = synth.language_of(voice)
    english = language.startswith("en")
    texts = wt.utterances(wt.sentence_file(SENTENCES["en" if english else language[:2]])[:sentences])
    synth.calibrate(voice)
    starts, ends, first_starts, later_starts, after_pause, in_phrase, whisper_at_pause = [], [], [], [], [], [], []
    vs_aligner: list[float] = []
    words = matched = heard_words = 0
    count_equal = 0
    pause = wt.PauseCheck(0, 0, [], [], {})
    synth_s = asr_s = audio_s = 0.0
    for text in texts:
        t0 = time.perf_counter()
        chunks = list(synth.stream(Utterance(text, voice), realtime=False))
        t1 = time.perf_counter()
        audio, ours, between = wt.our_words(chunks, text)
        heard = asr.words(audio, SAMPLE_RATE)
        asr_s += time.perf_counter() - t1
        synth_s += t1 - t0
        audio_s += len(audio) / SAMPLE_RATE
        words += len(ours)
        heard_words += len(heard)
        count_equal += len(heard) == len(ours)
        p = wt.pause_check(audio, ours, between)
        pause = wt.PauseCheck(pause.boundaries + p.boundaries, pause.found + p.found,
                              pause.start_errors + p.start_errors, pause.end_errors + p.end_errors, {})
        if not english:
            if verbose:
                print(json.dumps({"voice": voice, "text": text, "heard": " ".join(h[0].strip() for h in heard)}),
                      file=sys.stderr)
            continue
        aligned_pairs = wt.match(ours, aligner.align(audio, SAMPLE_RATE, text), aligner.same_word)
        vs_aligner += [o.start - hs for o, (_, hs, _) in aligned_pairs]
        pairs = wt.match(ours, heard, asr.normalize)
        matched += len(pairs)
        index = {id(o): k for k, o in enumerate(ours)}
        for o, (_, hs, he) in pairs:
            k = index[id(o)]
            starts.append(o.start - hs)
            ends.append(o.end - he)
            (first_starts if o.first else later_starts).append(o.start - hs)
            marked = k == 0 or any(c in wt.PAUSE_MARKS for c in between[k - 1])
            (after_pause if marked else in_phrase).append(o.start - hs)
            if k in p.onsets:
                whisper_at_pause.append(hs - p.onsets[k])
            if verbose:
                print(json.dumps({"voice": voice, "word": o.text, "ours": [round(o.start, 3), round(o.end, 3)],
                                  "whisper": [round(hs, 3), round(he, 3)],
                                  "start_error_ms": round(1000 * (o.start - hs))}), file=sys.stderr)
    out = {"language": language, "utterances": len(texts), "sentences": min(sentences, len(texts) * wt.PER_UTTERANCE),
           "words": words, "audio_s": round(audio_s, 1), "synth_s": round(synth_s, 1), "asr_s": round(asr_s, 1)}
    if english:
        out.update({
            "matched": matched, "matched_fraction": round(matched / max(1, words), 3),
            "start_vs_aligner": {**wt.figures(vs_aligner), "matched": len(vs_aligner)},
            "start_vs_whisper": wt.figures(starts), "end_vs_whisper": wt.figures(ends),
            "start_vs_whisper_first_chunk": wt.figures(first_starts),
            "start_vs_whisper_later_chunks": wt.figures(later_starts),
            "start_vs_whisper_after_mark": wt.figures(after_pause),
            "start_vs_whisper_inside_phrase": wt.figures(in_phrase),
            "whisper_start_vs_pause_end": wt.figures(whisper_at_pause),
        })
    else:
        out.update({"whisper_tiny_en_words": heard_words, "utterances_with_equal_word_count": count_equal,
                    "whisper_note": "tiny.en knows no " + language + ": its words are English guesses, "
                                    "none can be matched to ours by text"})
    out["pause_check"] = {"boundaries_with_mark": pause.boundaries, "pause_heard": pause.found,
                          "next_start_vs_pause_end": wt.figures(pause.start_errors),
                          "previous_end_vs_pause_start": wt.figures(pause.end_errors)}
    return out


def whisper_on_espeak(sentences: int) -> dict:
    """Whisper's word starts minus espeak-ng's own, on the English set: how far Whisper
    itself is off where the truth is known (espeak's word events match the onsets heard
    after pauses to a few ms)."""
    import soxr

    inside, after, events, aligned = [], [], [], []
    for text in wt.utterances(wt.sentence_file(SENTENCES["en"])[:sentences]):
        audio, rate, truth, gaps = espeak_words(text)
        aligned += [a - w.start for w, (_, a, _) in wt.match(truth, aligner.align(audio, rate, text), aligner.same_word)]
        check = wt.pause_check(soxr.resample(audio, rate, SAMPLE_RATE).astype("float32"), truth, gaps)
        events += [truth[k].start - onset for k, onset in check.onsets.items()]
        index = {id(w): k for k, w in enumerate(truth)}
        for w, (_, heard, _) in wt.match(truth, asr.words(audio, rate), asr.normalize):
            k = index[id(w)]
            marked = k == 0 or any(c in wt.PAUSE_MARKS for c in gaps[k - 1])
            (after if marked else inside).append(heard - w.start)
    return {"whisper_minus_espeak_inside_phrase": wt.figures(inside),
            "whisper_minus_espeak_after_mark": wt.figures(after),
            "espeak_event_minus_pause_end": wt.figures(events),
            "aligner_minus_espeak": {**wt.figures(aligned), "matched": len(aligned)}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=30)
    parser.add_argument("--voices", default="af_heart,bf_emma,ff_siwis")
    parser.add_argument("--verbose", action="store_true", help="every matched word on stderr")
    parser.add_argument("--whisper-on-espeak", action="store_true",
                        help="also measure Whisper against espeak-ng's own word starts")
    args = parser.parse_args()
    voices = [v for v in args.voices.split(",") if v]
    result = {}
    if args.whisper_on_espeak:
        result["whisper_on_espeak_ng"] = whisper_on_espeak(args.sentences)
    if voices:
        synth, _ = load_core(voice=voices[0])
        result.update({voice: evaluate(synth, voice, args.sentences, args.verbose) for voice in voices})
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
