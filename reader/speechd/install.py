"""`kokoro-reader speechd install | uninstall`: make sd_kokoro a speech-dispatcher module of
this user, and take exactly that back.

speech-dispatcher 0.11 finds user modules in ~/.local/libexec/speech-dispatcher-modules
(any sd_NAME there is module NAME) as long as the speechd.conf in force lists no AddModule
line; the module's own config is read from ~/.config/speech-dispatcher/modules/NAME.conf.
A user speechd.conf that lists modules gets one AddModule line for kokoro, marked as ours.
"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

MODULE = "kokoro"
_MARK = "# added by kokoro-reader"
_LINE = f'AddModule "{MODULE}" "sd_{MODULE}" "{MODULE}.conf"  {_MARK}'
_CONF = f"""{_MARK}: the module kokoro (sd_kokoro), the Kokoro-82M voice.
# Nothing to set here: the voice follows what the client asks for (language, voice type or
# one of the voices `spd-say -o {MODULE} -L` lists), and `kokoro-reader speechd uninstall`
# removes this file.
"""


def module_dir() -> Path:
    data = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return data.parent / "libexec" / "speech-dispatcher-modules"


def config_dir() -> Path:
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "speech-dispatcher"


def executable() -> Path:
    """The sd_kokoro console script of this installation."""
    beside = Path(sys.executable).parent / f"sd_{MODULE}"
    found = beside if beside.exists() else Path(shutil.which(f"sd_{MODULE}") or beside)
    return found


def install() -> list[str]:
    """Link the module, write its config, list it where a speechd.conf lists modules; say what was done."""
    done = []
    target = executable()
    if not target.exists():
        raise FileNotFoundError(f"sd_{MODULE} is not installed beside {sys.executable}")
    link = module_dir() / f"sd_{MODULE}"
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.exists() and not link.is_symlink():
        raise FileExistsError(f"{link} exists and is not a link this command made: remove it first")
    if link.is_symlink():
        link.unlink()
    link.symlink_to(target)
    done.append(f"linked {link} -> {target}")
    conf = config_dir() / "modules" / f"{MODULE}.conf"
    conf.parent.mkdir(parents=True, exist_ok=True)
    conf.write_text(_CONF, encoding="utf-8")
    done.append(f"wrote {conf}")
    main = config_dir() / "speechd.conf"
    if main.exists():
        lines = main.read_text(encoding="utf-8").splitlines()
        lists_modules = any(line.strip().startswith("AddModule") for line in lines)
        if lists_modules and _LINE not in lines:
            main.write_text("\n".join([*lines, _LINE]) + "\n", encoding="utf-8")
            done.append(f"added the module to {main}")
    return done


def uninstall() -> list[str]:
    """Remove what install() made, and nothing else."""
    done = []
    link = module_dir() / f"sd_{MODULE}"
    if link.is_symlink():  # a file of that name that is not a link is not ours
        link.unlink()
        done.append(f"removed {link}")
    conf = config_dir() / "modules" / f"{MODULE}.conf"
    if conf.exists() and conf.read_text(encoding="utf-8").startswith(_MARK):
        conf.unlink()
        done.append(f"removed {conf}")
    main = config_dir() / "speechd.conf"
    if main.exists():
        lines = main.read_text(encoding="utf-8").splitlines()
        if _LINE in lines:
            main.write_text("\n".join(line for line in lines if line != _LINE) + "\n", encoding="utf-8")
            done.append(f"took the module out of {main}")
    return done


__all__ = ["MODULE", "config_dir", "executable", "install", "module_dir", "uninstall"]
