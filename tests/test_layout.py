"""The layout the folder names promise: no import cycles between modules (lazy imports
included), and Qt only under reader/ui."""
from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import reader

ROOT = Path(reader.__file__).parent


def _modules() -> dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imports(path: Path, name: str, package: bool) -> set[str]:
    """Every module imported anywhere in the file, at the top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the package this module is in
                here = name.split(".") if package else name.split(".")[:-1]
                base = ".".join(here[:len(here) - node.level + 1] + ([base] if base else []))
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)  # `from pkg import module`
    return names


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: {m for m in _imports(path, name, path.name == "__init__.py") if m in modules and m != name}
            for name, path in modules.items()}


def test_no_module_imports_itself_through_others():
    graph = _graph()
    assert len(graph) > 50
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        raise AssertionError(f"an import cycle: {' -> '.join(exc.args[1])}") from None


def test_only_the_ui_imports_qt():
    modules = _modules()
    qt = sorted(name for name, path in modules.items()
                if not name.startswith("reader.ui")
                and any(m.split(".")[0] in ("PySide6", "shiboken6") for m in _imports(path, name, False)))
    assert qt == []


def test_every_package_ships():
    """pyproject.toml lists the packages by hand: a folder missing there is missing from a
    wheel (an editable install finds it anyway, so nothing else would notice)."""
    import tomllib

    listed = set(tomllib.loads((ROOT.parent / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    folders = {".".join(p.parent.relative_to(ROOT.parent).parts) for p in ROOT.rglob("__init__.py")}
    assert folders - listed == set()
