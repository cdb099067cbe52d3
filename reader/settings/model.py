"""The user's preferences: one typed Settings, its defaults, its JSON form and overrides.

No files here (file.py reads and writes them) and no Qt. A settings file is a JSON
object; keys this version does not know are kept in Settings.extra and written back, files of
older schemas are migrated, values that make no sense fall back to their default (logged).
Every field can be overridden for one run: env KOKORO_READER_<FIELD> or `daemon --set k=v`.
"""
from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from reader.desktop.hotkeys import DEFAULT_HOTKEYS
from reader.text.lexicon import Entry, entry_from_json, entry_to_json
from reader.types import PAUSE_RANGE, SPEED_RANGE, ReaderError

_LOGGER = logging.getLogger(__name__)

SCHEMA = 1
VOLUME_RANGE = (0.0, 1.0)
VIEW_COLORS = ("system", "dark", "light", "high-contrast", "yellow-on-black", "dyslexia")
VIEW_SIZE_RANGE = (8, 72)  # points
VIEW_SPACING_RANGE = (1.0, 3.0)
ENV_PREFIX = "KOKORO_READER_"


def _frozen(mapping: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class Settings:
    """Everything a user can choose. Immutable: change it with dataclasses.replace()."""

    schema: int = SCHEMA
    voice: str = "af_heart"  # a voice or a blend spec, e.g. "af_heart:0.7,bf_emma:0.3"
    speed: float = 1.0  # 0.5-2.0
    volume: float = 1.0  # 0.0-1.0 of the system volume
    sentence_pause: float = 0.0  # extra silence between sentences, seconds
    device: str | None = None  # output device NAME (indices change); None = the system default
    hotkeys: Mapping[str, str] = field(default_factory=lambda: _frozen(DEFAULT_HOTKEYS))  # action -> pynput combo
    auto_read: bool = False  # clipboard auto-read
    auto_read_max_chars: int = 20_000  # longer clipboard text is not auto-read; 0 = no limit
    autostart: bool = False  # start at login (the autostart entry is the truth; see reader/desktop/autostart.py)
    speculate: bool = True  # synthesize the selection in the background (off saves battery)
    # Families of text/spoken read as written ("dates", "units"...; "all"): for literal reading.
    read_as_written: tuple[str, ...] = ()
    # The user's pronunciations (text/lexicon.py), before the shipped ones.
    lexicon: tuple[Entry, ...] = ()
    # "voice": read in the voice's language; "auto": each sentence in its own language, with
    # the voice for that language (language_voices, else its first voice); or a language code.
    language_mode: str = "voice"
    language_voices: Mapping[str, str] = field(default_factory=lambda: _frozen({}))
    # The reading view (ui/readingview.py): shown when reading starts (else from the tray, its
    # hotkey or `ctl view`), its colours (VIEW_COLORS), font family ("": the colours' or the
    # desktop's), size in points and line height (times the font's).
    view_on_read: bool = False
    view_colors: str = "system"
    view_font: str = ""
    view_size: int = 20
    view_spacing: float = 1.5
    # Media widgets (MPRIS, lock screens) show the sentence being read as the title; off: only
    # "kokoro-reader" (the text stays off the session bus).
    media_title: bool = True
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))  # unknown keys, kept

    def __post_init__(self) -> None:
        object.__setattr__(self, "hotkeys", _frozen(self.hotkeys))
        object.__setattr__(self, "language_voices", _frozen(self.language_voices))
        object.__setattr__(self, "extra", MappingProxyType(dict(self.extra)))


FIELDS = tuple(f.name for f in dataclasses.fields(Settings) if f.name not in ("schema", "extra"))


# -- values ---------------------------------------------------------------------------------
def _number(lo: float, hi: float) -> Callable[[Any], float]:
    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"expected a number, not {value!r}")
        if not lo <= value <= hi:
            raise ValueError(f"{value:g} is out of range {lo:g}-{hi:g}")
        return float(value)
    return check


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("expected a text")
    if not value.strip():
        raise ValueError("expected a non-empty text")
    return value.strip()


def _any_text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("expected a text")
    return value.strip()


def _whole(lo: int, hi: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"expected a whole number, not {value!r}")
        if not lo <= value <= hi:
            raise ValueError(f"{value} is out of range {lo}-{hi}")
        return value
    return check


def _one_of(choices: tuple[str, ...]) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value not in choices:
            raise ValueError(f"expected one of {', '.join(choices)}, not {value!r}")
        return value
    return check


def _device(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError("expected a device name or null")
    return value.strip() or None


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, not {value!r}")
    return value


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected a whole number, not {value!r}")
    if value < 0:
        raise ValueError(f"expected a whole number >= 0, not {value!r}")
    return value


def _families(value: Any) -> tuple[str, ...]:
    """Known families of text/spoken only (others dropped, logged); "all" is every one."""
    from reader.text.spoken import FAMILIES, named

    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise TypeError("expected a list of names, e.g. [\"dates\", \"units\"]")
    known, unknown = named(value)
    if unknown:
        _LOGGER.warning("settings: read_as_written: unknown %s ignored (known: %s)", ", ".join(unknown),
                        ", ".join(FAMILIES))
    return known


def _lexicon(value: Any) -> tuple[Entry, ...]:
    """Entries that can be used (others dropped, logged with what is wrong)."""
    if not isinstance(value, (list, tuple)):
        raise TypeError('expected a list of entries, e.g. [{"match": "nginx", "say": "engine x"}]')
    entries = []
    for number, item in enumerate(value, 1):
        try:
            entries.append(item if isinstance(item, Entry) and not item.problem() else entry_from_json(item))
        except ValueError as exc:
            _LOGGER.warning("settings: lexicon entry %d ignored: %s", number, exc)
    return tuple(entries)


def _language_mode(value: Any) -> str:
    from reader.text.language import LANGUAGES

    if not isinstance(value, str) or value not in ("voice", "auto", *LANGUAGES):
        raise ValueError(f"expected voice, auto or one of {', '.join(LANGUAGES)}, not {value!r}")
    return value


def _language_voices(value: Any) -> Mapping[str, str]:
    """language -> voice, for automatic language mode (unknown languages dropped, logged)."""
    from reader.text.language import LANGUAGES

    if not isinstance(value, Mapping) or not all(isinstance(v, str) and v.strip() for v in value.values()):
        raise TypeError('expected an object of language: voice, e.g. {"fr": "ff_siwis"}')
    unknown = sorted(set(value) - set(LANGUAGES))
    if unknown:
        _LOGGER.warning("settings: language_voices: unknown language(s) %s ignored", ", ".join(map(str, unknown)))
    return _frozen({k: v.strip() for k, v in value.items() if k in LANGUAGES})


def _hotkeys(value: Any) -> Mapping[str, str]:
    """Known actions only (others are dropped, logged); a missing action keeps its default,
    "" means no key."""
    if not isinstance(value, Mapping):
        raise TypeError("expected an object of action: key combination")
    bad = [str(a) for a, combo in value.items() if not isinstance(combo, str)]
    if bad:
        raise TypeError(f"the key combination of {', '.join(bad)} must be a text")
    unknown = sorted(set(value) - set(DEFAULT_HOTKEYS))
    if unknown:
        _LOGGER.warning("settings: hotkeys: unknown action(s) %s ignored", ", ".join(map(str, unknown)))
    return _frozen({**DEFAULT_HOTKEYS, **{a: c.strip() for a, c in value.items() if a in DEFAULT_HOTKEYS}})


CHECKS: dict[str, Callable[[Any], Any]] = {
    "voice": _text, "speed": _number(*SPEED_RANGE), "volume": _number(*VOLUME_RANGE),
    "sentence_pause": _number(*PAUSE_RANGE), "device": _device, "hotkeys": _hotkeys, "auto_read": _flag,
    "auto_read_max_chars": _count, "autostart": _flag, "speculate": _flag,
    "read_as_written": _families, "lexicon": _lexicon, "language_mode": _language_mode,
    "language_voices": _language_voices, "view_on_read": _flag, "view_colors": _one_of(VIEW_COLORS),
    "view_font": _any_text, "view_size": _whole(*VIEW_SIZE_RANGE), "view_spacing": _number(*VIEW_SPACING_RANGE),
    "media_title": _flag,
}
assert set(CHECKS) == set(FIELDS)


# -- migration ------------------------------------------------------------------------------
def _from_v0(data: dict) -> dict:
    """Files written before the schema existed (development builds): `clipboard_auto_read`
    was the auto-read flag, and `device` could be a PortAudio index, which changes between
    boots: back to the system default."""
    if "clipboard_auto_read" in data:
        data.setdefault("auto_read", data.pop("clipboard_auto_read"))
    if isinstance(data.get("device"), int) and not isinstance(data.get("device"), bool):
        data.pop("device")
    return data


MIGRATIONS: dict[int, Callable[[dict], dict]] = {0: _from_v0}  # from version n to n + 1


class FutureSchema(ReaderError):
    """The data come from a newer kokoro-reader."""

    def __init__(self, schema: int) -> None:
        super().__init__(f"settings version {schema} is newer than this kokoro-reader understands ({SCHEMA})")
        self.schema = schema


def schema_of(data: Mapping) -> int:
    """The data's schema version (0: none given). ValueError when it is not a whole number."""
    version = data.get("schema", 0)
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise ValueError(f"bad schema version {version!r}")
    return version


def from_dict(data: Mapping, *, allow_future: bool = False) -> Settings:
    """Settings from a settings file's object. Old schemas are migrated; with allow_future a
    newer one is read as far as it is understood (else FutureSchema). Bad values fall back to
    their default; unknown keys go to extra. ValueError for a bad schema version."""
    data = dict(data)
    version = schema_of(data)
    if version > SCHEMA and not allow_future:
        raise FutureSchema(version)
    while version < SCHEMA:
        data = MIGRATIONS[version](data)
        version += 1
    data.pop("schema", None)
    values: dict[str, Any] = {}
    for name in FIELDS:
        if name in data:
            try:
                values[name] = CHECKS[name](data.pop(name))
            except (TypeError, ValueError) as exc:
                _LOGGER.warning("settings: %s: %s; using the default", name, exc)
    return Settings(schema=SCHEMA, extra=data, **values)


def to_dict(settings: Settings) -> dict:
    """The settings file's object: schema first, then the fields, then the unknown keys."""
    out: dict[str, Any] = {"schema": SCHEMA}
    for name in FIELDS:
        value = getattr(settings, name)
        if name == "lexicon":
            value = [entry_to_json(e) for e in value]
        out[name] = dict(value) if isinstance(value, Mapping) else value
    for key, value in settings.extra.items():
        out.setdefault(key, value)
    return out


# -- overrides for one run -----------------------------------------------------------------
def _parse_text(name: str, text: str) -> Any:
    """A field's value from its command-line / environment spelling."""
    text = text.strip()
    kind = type(getattr(Settings(), name))  # spelled by the type of its default
    if kind is float:
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"expected a number, not {text!r}") from None
    if kind is int:
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"expected a whole number, not {text!r}") from None
    if kind is bool:
        lowered = text.lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"expected on or off, not {text!r}")
    if name == "read_as_written":  # "dates,units", "all", or "" for none
        return [part.strip() for part in text.split(",") if part.strip()]
    if name == "language_voices":
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            raise ValueError('expected a JSON object such as {"fr": "ff_siwis"}') from None
    if name == "lexicon":
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            raise ValueError('expected a JSON list such as [{"match": "nginx", "say": "engine x"}]') from None
    if name == "device":
        return None if text.lower() in ("", "default", "system default") else text
    if name == "hotkeys":
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            raise ValueError('expected a JSON object such as {"stop": "<ctrl>+<alt>+s"}') from None
    return text


def parse_override(key: str, text: str) -> tuple[str, Any]:
    """(field, value) for `key=text`; `hotkeys.ACTION` sets one hotkey. ReaderError if bad."""
    name, _, action = key.strip().lower().replace("-", "_").partition(".")
    if name not in FIELDS or (action and name != "hotkeys"):
        raise ReaderError(f"unknown setting {key!r}; settings: {', '.join(FIELDS)}")
    try:
        value = {action.replace("_", "-"): text.strip()} if action else _parse_text(name, text)
        if name == "hotkeys":
            unknown = sorted(set(value) - set(DEFAULT_HOTKEYS)) if isinstance(value, Mapping) else []
            if unknown:
                raise ValueError(f"unknown action(s) {', '.join(unknown)}; actions: {', '.join(DEFAULT_HOTKEYS)}")
            _hotkeys(value)  # validate; the partial map merges in apply_overrides()
            return name, dict(value)
        return name, CHECKS[name](value)
    except (TypeError, ValueError) as exc:
        raise ReaderError(f"setting {key}: {exc}") from None


def env_overrides(environ: Mapping[str, str]) -> dict[str, Any]:
    """Overrides from KOKORO_READER_<FIELD> variables, e.g. KOKORO_READER_SPEED=1.2."""
    out: dict[str, Any] = {}
    for name in FIELDS:
        text = environ.get(ENV_PREFIX + name.upper())
        if text is not None:
            try:
                out.update([parse_override(name, text)])
            except ReaderError as exc:
                raise ReaderError(f"{ENV_PREFIX}{name.upper()}: {exc}") from None
    return out


def apply_overrides(settings: Settings, overrides: Mapping[str, Any]) -> Settings:
    """settings with overrides on top (a hotkeys override changes only the actions it names)."""
    if not overrides:
        return settings
    values = dict(overrides)
    if "hotkeys" in values:
        values["hotkeys"] = {**settings.hotkeys, **values["hotkeys"]}
    return dataclasses.replace(settings, **values)


__all__ = ["FIELDS", "SCHEMA", "VOLUME_RANGE", "FutureSchema", "Settings",
           "apply_overrides", "env_overrides", "from_dict", "parse_override", "schema_of", "to_dict"]
