"""Command line: kokoro-reader say | voices | fetch | bench | daemon | ctl | lexicon | speechd.

Heavy modules (onnxruntime, spaCy, sounddevice) are imported inside the commands so that
`kokoro-reader --help` answers at once.
"""
from __future__ import annotations

import argparse
import faulthandler
import json
import logging
import signal
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reader import __version__
from reader.daemon.ipc import COMMANDS
from reader.types import SPEED_RANGE, ReaderError

if TYPE_CHECKING:
    from reader.text.lexicon import Lexicon

_LOGGER = logging.getLogger("reader.cli")
DEMO_TEXT = "Hello! This is kokoro-reader. Select any text and press Control Alt R to hear it."


def _language_mode(text: str) -> str:
    from reader.settings.model import CHECKS

    try:
        return CHECKS["language_mode"](text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _speed(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"speed must be a number, not {text!r}") from None
    if not SPEED_RANGE[0] <= value <= SPEED_RANGE[1]:
        raise argparse.ArgumentTypeError(f"speed {value:g} is out of range {SPEED_RANGE[0]:g}-{SPEED_RANGE[1]:g}")
    return value


def _families(text: str) -> tuple[str, ...]:
    from reader.text.spoken import FAMILIES, named  # not at start-up: ctl needs none of it

    known, unknown = named(n.strip() for n in text.split(",") if n.strip())
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown {', '.join(unknown)}; known: {', '.join(FAMILIES)}, all")
    return known


def build_parser() -> argparse.ArgumentParser:
    # Common options work before or after the command; SUPPRESS keeps a sub-parser's
    # default from overwriting a value given before the command.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="verbose log and tracebacks")
    common.add_argument("--threads", type=int, default=argparse.SUPPRESS, help="model threads (default: measured on the first run: 1 or one per physical core)")
    parser = argparse.ArgumentParser(prog="kokoro-reader", parents=[common],
                                     description="Read text aloud with the Kokoro voice, offline.")
    parser.add_argument("--version", action="version", version=f"kokoro-reader {__version__}")
    parser.set_defaults(debug=False, threads=None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help_text, parents=[common])

    say = add("say", "speak text, a file or stdin (or write a WAV)")
    say.add_argument("text", nargs="?", help="text to speak; '-' reads stdin")
    say.add_argument("-f", "--file", help="read the text from FILE ('-' for stdin)")
    say.add_argument("-o", "--output", help="write a 24 kHz mono 16-bit WAV instead of playing")
    say.add_argument("--voice", help="voice or blend, e.g. af_heart or af_heart:0.7,bf_emma:0.3 "
                                     "(default: from the settings, else af_heart)")
    say.add_argument("--speed", type=_speed, help="0.5-2.0 (default: from the settings, else 1.0)")
    say.add_argument("--device", help="output device name or index (default: from the settings, else the system's)")
    say.add_argument("--as-written", type=_families, metavar="FAMILIES",
                     help="read these kinds of text as written, not as a reader says them: comma-separated "
                          "(markup, web, dates, times, currency, units, numbers, roman, abbreviations, code) "
                          "or all (default: from the settings)")

    say.add_argument("--language", type=_language_mode, metavar="MODE",
                     help="voice: read in the voice's language; auto: each sentence in its own language, "
                          "with a voice of that language; or a language (en-us, en-gb, es, fr, hi, it, pt-br, "
                          "ja, zh) to read all in (default: from the settings, else voice)")
    say.add_argument("--no-lexicon", action="store_true",
                     help="ignore the pronunciation lexicon (yours and the shipped one)")

    lexicon = add("lexicon", "list, add, remove, import or export pronunciations")
    lexicon_do = lexicon.add_subparsers(dest="lexicon_command", metavar="COMMAND", required=True)
    show = lexicon_do.add_parser("list", help="your entries, then the shipped ones")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    entry = lexicon_do.add_parser("add", help="add (or replace) a pronunciation")
    entry.add_argument("match", help="the word as written (or a regular expression with --regex)")
    entry.add_argument("say", help="what to read instead (or Kokoro phonemes with --phonemes)")
    entry.add_argument("--phonemes", action="store_true", help="SAY is phonemes (Kokoro's IPA), e.g. kˈOkəɹO")
    entry.add_argument("--regex", action="store_true", help="MATCH is a regular expression; SAY may use \\1")
    entry.add_argument("--case", action="store_true", help="match upper and lower case exactly")
    entry.add_argument("--part-of-word", action="store_true", help="match inside words too")
    entry.add_argument("--language", help="only for voices of this language (en, en-gb, fr...)")
    drop = lexicon_do.add_parser("remove", help="remove your entries for a word")
    drop.add_argument("match")
    load = lexicon_do.add_parser("import", help="add the entries of a lexicon file (JSON) to yours")
    load.add_argument("file")
    dump = lexicon_do.add_parser("export", help="write your entries to a file (JSON; '-' for stdout)")
    dump.add_argument("file")

    voices = add("voices", "list the voices")
    voices.add_argument("--json", action="store_true", help="machine-readable output")

    add("fetch", "download and verify the model and all voices")

    daemon = add("daemon", "run the tray app with global hotkeys (the default without a command)")
    daemon.add_argument("--voice", help="voice or blend for this run (default: from the settings)")
    daemon.add_argument("--speed", type=_speed, help="0.5-2.0 for this run (default: from the settings)")
    daemon.add_argument("--device", help="output device name or index for this run (default: from the settings)")
    daemon.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", dest="overrides",
                        help="override a setting for this run, e.g. --set sentence_pause=0.5 or "
                             "--set hotkeys.stop='<ctrl>+<alt>+x' (repeatable; not saved)")

    ctl = add("ctl", "control the running daemon")
    actions = [c for c in COMMANDS if c != "lexicon"]  # lexicon: `kokoro-reader lexicon` sends it
    ctl.add_argument("action", choices=actions, metavar="ACTION", help=", ".join(actions))
    ctl.add_argument("text", nargs="?", help="for `say`: the text ('-' reads stdin)")

    speechd = add("speechd", "make kokoro a voice of speech-dispatcher (Orca, spd-say), or take it back")
    speechd.add_argument("speechd_command", choices=("install", "uninstall"), metavar="install|uninstall")

    bench = add("bench", "measure latency, speed and memory (and a peer's)")
    bench.add_argument("--json", action="store_true", help="print one JSON object")
    bench.add_argument("--no-peer", action="store_true", help="skip the kokoro-onnx comparison")
    bench.add_argument("--no-playback", action="store_true", help="skip the audio playback figures")
    bench.add_argument("--utterances", type=int, default=100, help="utterances for the memory figure")
    bench.add_argument("--trials", type=int, default=20, help="trials per latency figure (default 20)")
    bench.add_argument("--idle-seconds", type=float, default=60.0,
                       help="how long to measure the idle daemon's CPU use (0: skip)")
    bench.add_argument("--no-conditions", action="store_true",
                       help="skip the simulated slow and busy computer figures")
    bench.add_argument("--no-reading", action="store_true",
                       help="skip the Whisper-scored reading of number- and symbol-heavy sentences")
    return parser


def _read_input(args: argparse.Namespace, parser: argparse.ArgumentParser) -> str:
    if args.file and args.text:
        parser.error("give TEXT or -f FILE, not both")
    source = args.file or ("-" if args.text == "-" else None)
    if source == "-":
        data = sys.stdin.buffer.read()
    elif source:
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise ReaderError(f"cannot read {source}: {exc.strerror or exc}") from exc
    elif args.text is not None:
        return args.text
    else:
        parser.error("nothing to say: give TEXT, -f FILE or '-' for stdin")
    # Junk bytes become U+FFFD, which the text pipeline drops: bad bytes lose nothing else.
    return data.decode("utf-8-sig", errors="replace")


def cmd_say(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from reader.assets.progress import tqdm_progress
    from reader.assets.store import AssetStore
    from reader.engine.onnx import EngineOptions
    from reader.synth.core import CoreOptions, load_core
    from reader.synth.languages import utterances
    from reader.text.lexicon import Lexicon
    from reader.text.split import sentences

    text = _read_input(args, parser)
    settings = _settings_for_say()
    args.voice = args.voice or settings.voice
    args.speed = settings.speed if args.speed is None else args.speed
    args.device = args.device or settings.device
    as_written = frozenset(settings.read_as_written if args.as_written is None else args.as_written)
    lexicon = None if args.no_lexicon else Lexicon.with_defaults(settings.lexicon)
    reading = _Reading(as_written, lexicon, args.language or settings.language_mode, settings.language_voices)
    store = AssetStore(progress=tqdm_progress)
    try:
        store_names = store.voice_names()
        from reader.engine.voices import parse_spec

        parse_spec(args.voice, store_names)
    except ReaderError as exc:
        parser.error(str(exc))
    if next(iter(sentences(text)), None) is None:
        print("kokoro-reader: nothing to read (the text is empty or has no speakable characters)", file=sys.stderr)
        return 0
    if args.output:
        from reader.audio.wav import write_wav

        synth, _ = load_core(store, CoreOptions(engine=EngineOptions(threads=args.threads)), voice=args.voice,
                           warm_up=False)  # one utterance: warming up would only delay it
        parts = utterances(synth, text, args.voice, args.speed, as_written=as_written, lexicon=lexicon,
                           mode=reading.mode, language_voices=reading.voices)
        write_wav(Path(args.output), (c for _, _, u in parts for c in synth.stream(u, realtime=False)))
        return 0
    from reader.audio.portaudio import SoundDeviceSink

    device = int(args.device) if args.device and args.device.isdigit() else args.device
    sink = SoundDeviceSink(device)
    try:
        sink.open()  # before the 2 s load: a missing device fails at once
        synth, _ = load_core(store, CoreOptions(engine=EngineOptions(threads=args.threads)), voice=args.voice,
                           warm_up=False)  # one utterance: warming up would only delay it
        sink.set_volume(settings.volume)
        return _play(synth, sink, text, args.voice, args.speed, reading)
    finally:
        sink.close()


def _settings_for_say():
    """The user's settings (with KOKORO_READER_<FIELD> overrides) as defaults for `say`; a
    damaged file is left for the daemon to move aside."""
    import os

    from reader.settings.file import SettingsFile, config_path
    from reader.settings.model import apply_overrides, env_overrides

    loaded = SettingsFile(config_path()).load(repair=False)
    return apply_overrides(loaded.settings, env_overrides(os.environ))


@dataclass(frozen=True)
class _Reading:
    """How `say` reads: kinds of text as written, the lexicon, the language mode and voices."""

    as_written: frozenset[str]
    lexicon: Lexicon | None
    mode: str
    voices: Mapping[str, str]


def _play(synth, sink, text: str, voice: str, speed: float, reading: _Reading) -> int:
    """Speak through a Speaker until it finishes; Ctrl+C stops it within one audio block."""
    import threading

    from reader.speaker import Listener, Speaker

    done = threading.Event()
    errors: list[str] = []

    class Said(Listener):  # runs on the speaker-events thread
        def finished(self) -> None:
            done.set()

        def error(self, message: str) -> None:
            errors.append(message)
            done.set()

    speaker = Speaker(synth, sink, voice=voice, speed=speed, listener=Said())
    speaker.as_written = reading.as_written
    speaker.lexicon = reading.lexicon
    speaker.language_mode, speaker.language_voices = reading.mode, reading.voices
    # Python's own handler, whatever a library set meanwhile: Ctrl+C raises KeyboardInterrupt.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        speaker.say(text)
        # Ctrl+C interrupts a wait at once when the main thread receives it. Timed: one CI run
        # in ~20 stayed in an untimed wait 10 s after SIGINT, every other thread idle (the
        # signal went to another thread?); Python runs the handler when the wait returns.
        while not done.wait(0.05):
            pass
    except KeyboardInterrupt:
        speaker.stop()  # the sink fades out within one block; the ONNX run is terminated
        return 130
    finally:
        speaker.close()
        # What a listener heard of a slow computer (no text): tests and --debug read it.
        gap, gil = sink.take_callback_delays()
        _LOGGER.debug("playback: %d underruns, %d pauses between words, pace %.2f, %d late callbacks, %d late for "
                      "the GIL (longest gap %.0f ms, GIL wait %.0f ms)", sink.underruns, sink.pauses,
                      synth.pace.pace or 0.0, sink.late_callbacks, sink.gil_late_callbacks, gap * 1000, gil * 1000)
    if errors:
        raise ReaderError(errors[0])
    return 0


def cmd_voices(args: argparse.Namespace) -> int:
    from reader.assets.manifest import Manifest

    manifest = Manifest.load()
    rows = [{"name": n, "language": a.language, "gender": {"f": "female", "m": "male"}.get(a.gender, a.gender)}
            for n, a in sorted(manifest.voices.items())]
    if args.json:
        print(json.dumps(rows, indent=1))
    else:
        for r in rows:
            print(f"{r['name']:<16} {r['language']:<6} {r['gender']}")
    return 0


def cmd_fetch(_args: argparse.Namespace) -> int:
    from reader.assets.progress import tqdm_progress
    from reader.assets.store import AssetStore

    paths = AssetStore(progress=tqdm_progress).fetch_all(progress=tqdm_progress)
    print(f"{len(paths)} files ready in {paths[0].parent.parent if paths else '?'}")
    return 0


def cmd_daemon(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from reader.settings.model import parse_override
    from reader.daemon.startup import run_daemon

    overrides: dict = {}
    try:
        for item in getattr(args, "overrides", []):
            key, sep, value = item.partition("=")
            if not sep:
                raise ReaderError(f"--set takes KEY=VALUE, not {item!r}")
            name, parsed = parse_override(key, value)
            overrides[name] = {**overrides.get(name, {}), **parsed} if name == "hotkeys" else parsed
        for name in ("voice", "speed", "device"):  # the classic flags win over --set
            value = getattr(args, name, None)
            if value is not None:
                overrides.update([parse_override(name, str(value))])
    except ReaderError as exc:
        parser.error(str(exc))
    faulthandler.enable()  # a crash in a native library leaves the Python stacks in the log
    if hasattr(signal, "SIGUSR1"):  # `kill -USR1 PID` prints every thread's stack: for reports of a hang
        faulthandler.register(signal.SIGUSR1, all_threads=True)
    return run_daemon(overrides, threads=args.threads)


def cmd_ctl(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from reader.daemon import ipc

    extra = {}
    if args.action == "say":
        if args.text is None:
            parser.error("ctl say needs TEXT (or '-' for stdin)")
        extra["text"] = sys.stdin.read() if args.text == "-" else args.text
    elif args.text is not None:
        parser.error(f"ctl {args.action} takes no text")
    reply = ipc.send(args.action, **extra)
    if not reply.get("ok"):
        raise ReaderError(reply.get("error", "the daemon refused the command"))
    if args.action == "status":
        reply.pop("ok", None)
        print(json.dumps(reply))
    return 0


def cmd_lexicon(args: argparse.Namespace) -> int:
    """The user's lexicon (in the settings): through the daemon when one runs (it saves its
    settings, and would save over a change made behind its back), else in the file."""
    from reader.daemon import ipc
    from reader.engine.onnx import load_vocab
    from reader.settings.file import SettingsFile, config_path
    from reader.text.lexicon import (default_entries, entries_from_json, entries_to_json, entry_from_json,
                                     first_problem, merged)

    file = SettingsFile(config_path())
    loaded = file.load(repair=False)
    if loaded.notice and args.lexicon_command != "list":
        raise ReaderError(loaded.notice)
    mine = list(loaded.settings.lexicon)
    command = args.lexicon_command
    if command == "list":
        if args.json:
            print(json.dumps({"yours": json.loads(entries_to_json(mine)),
                              "shipped": json.loads(entries_to_json(default_entries()))}, ensure_ascii=False))
        else:
            for who, entries in (("yours", mine), ("shipped", default_entries())):
                for e in entries:
                    print(f"{who:8} {e.match!r} -> {'/' + e.say + '/' if e.phonemes else repr(e.say)}"
                          f"{' (regex)' if e.regex else ''}{' (case)' if e.case else ''}"
                          f"{' (part of word)' if not e.whole_word else ''}{f' ({e.language})' if e.language else ''}")
        return 0
    if command == "export":
        text = entries_to_json(mine)
        if args.file == "-":
            sys.stdout.write(text)
        else:
            Path(args.file).write_text(text, encoding="utf-8")
        return 0
    if command == "add":
        try:
            new = entry_from_json({"match": args.match, "say": args.say, "phonemes": args.phonemes,
                                   "regex": args.regex, "case": args.case, "whole_word": not args.part_of_word,
                                   **({"language": args.language} if args.language else {})})
        except ValueError as exc:
            raise ReaderError(f"lexicon: {exc}") from None
        added = (new,)
    elif command == "remove":
        kept = [e for e in mine if e.match != args.match]
        if len(kept) == len(mine):
            raise ReaderError(f"lexicon: you have no entry for {args.match!r}")
        mine = kept
    elif command == "import":
        try:
            added = entries_from_json(Path(args.file).read_text(encoding="utf-8-sig"))
        except OSError as exc:
            raise ReaderError(f"cannot read {args.file}: {exc.strerror or exc}") from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise ReaderError(f"{args.file}: {exc}") from None
    if command in ("add", "import"):
        problem = first_problem(added, load_vocab())
        if problem:
            raise ReaderError(f"lexicon: {problem}")
        mine = list(merged(mine, added))
        if command == "import":
            print(f"{len(added)} entries imported")
    try:
        reply = ipc.send("lexicon", entries=json.loads(entries_to_json(mine)))
    except ReaderError:  # no daemon: the file
        import dataclasses

        file.save(dataclasses.replace(loaded.settings, lexicon=tuple(mine)))
        return 0
    if not reply.get("ok"):
        raise ReaderError(reply.get("error", "the daemon refused the lexicon"))
    return 0


def cmd_speechd(args: argparse.Namespace) -> int:
    from reader.speechd import install

    try:
        done = install.install() if args.speechd_command == "install" else install.uninstall()
    except OSError as exc:
        raise ReaderError(f"speechd {args.speechd_command}: {exc}") from None
    for line in done or ["nothing to do: the module was not installed"]:
        print(line)
    if args.speechd_command == "install":
        print("Restart speech-dispatcher (log out and in, or: killall speech-dispatcher) and choose "
              f"the synthesizer \"{install.MODULE}\" (Orca: Preferences > Speech); try: spd-say -o {install.MODULE} hello")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from reader.bench.run import run_bench

    result = run_bench(threads=args.threads, peer=not args.no_peer, utterances=args.utterances,
                       trials=max(1, args.trials), idle_s=max(0.0, args.idle_seconds),
                       playback=not args.no_playback, conditions=not args.no_conditions,
                       reading=not args.no_reading)
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        for key, value in result.items():
            print(f"{key:<40} {value}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        if args.command in (None, "daemon"):
            return cmd_daemon(args, parser)
        if args.command == "ctl":
            return cmd_ctl(args, parser)
        if args.command == "say":
            return cmd_say(args, parser)
        if args.command == "voices":
            return cmd_voices(args)
        if args.command == "fetch":
            return cmd_fetch(args)
        if args.command == "bench":
            return cmd_bench(args)
        if args.command == "lexicon":
            return cmd_lexicon(args)
        if args.command == "speechd":
            return cmd_speechd(args)
    except ReaderError as exc:
        if args.debug:
            raise
        print(f"kokoro-reader: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # last resort: one line, the traceback only with --debug
        if args.debug:
            raise
        print(f"kokoro-reader: unexpected error: {type(exc).__name__}: {exc} (run with --debug for details)",
              file=sys.stderr)
        return 1
    parser.error(f"unknown command {args.command}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
