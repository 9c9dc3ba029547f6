"""A generated catalog of N small projects, served on loopback as a PEP 503 simple index.

Used by ``benchmarks/batch.py``; runnable on its own to look at the catalog by hand:
``python benchmarks/batch_server.py [--projects 500] [--delay-ms 20] [--seed 2026]`` prints the
port once the socket listens, then serves until interrupted.

The catalog (deterministic for a seed): each project has 1 to 3 versions, each version real,
tiny, valid files -- wheels (a zip with ``<dist>-<ver>.dist-info/METADATA`` (Metadata-Version
2.1), ``WHEEL`` and ``RECORD``) tagged among ``py3-none-any``, ``cp312-cp312-win_amd64``,
``cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64``, ``cp311-cp311-win_amd64`` and
``cp312-cp312-macosx_11_0_arm64``, or an sdist (``.tar.gz`` with ``PKG-INFO``). Most projects
have a version with a wheel for Windows and CPython 3.12 (a Windows cp312 wheel or a pure one);
about one in twelve does not (Linux or macOS wheels only, a cp311 Windows wheel only, an sdist
only), and some newest versions require Python 3.13 so that an older version must be chosen.

The server (stdlib ``ThreadingHTTPServer``, HTTP/1.1 keep-alive, Nagle off, daemon threads):
``/simple/`` lists the projects, ``/simple/<name>/`` links each file as
``../../files/<file>#sha256=<hex>`` (with ``data-requires-python`` where a version sets one),
``/files/<file>`` answers the bytes (GET or HEAD; a ``Range`` header is ignored, the whole file
is answered with 200, as HTTP allows). No authentication. Every request sleeps ``delay`` seconds
before it is answered, to stand for a real network's round trip, and is counted by kind (root,
page, file, other) so that the requests each tool makes can be reported.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import html
import io
import random
import re
import tarfile
import threading
import time
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

PURE = "py3-none-any"
WIN312 = "cp312-cp312-win_amd64"
LINUX312 = "cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64"
WIN311 = "cp311-cp311-win_amd64"
MAC312 = "cp312-cp312-macosx_11_0_arm64"
SDIST = "sdist"
#: What pip's ``--platform win_amd64 --python-version 3.12 --abi cp312`` accepts, of the above.
FITS_WINDOWS_312 = frozenset({PURE, WIN312})
_FIXED_TIME = (2026, 1, 1, 0, 0, 0)


@dataclass
class Version:
    version: str
    kinds: tuple[str, ...]  # wheel tags, or SDIST
    requires_python: str | None = None

    def fits(self) -> bool:
        """A file pip, uv and asdiag should pick for Windows and CPython 3.12."""
        return self.requires_python != ">=3.13" and bool(FITS_WINDOWS_312 & set(self.kinds))


@dataclass
class Project:
    name: str  # normalised (PEP 503)
    versions: list[Version] = field(default_factory=list)

    def fitting_versions(self) -> list[str]:
        return [v.version for v in self.versions if v.fits()]


def generate(count: int, seed: int) -> list[Project]:
    """``count`` projects; the same list for the same seed."""
    rng = random.Random(seed)
    projects = []
    for i in range(count):
        project = Project(f"bench-pkg-{i:04d}")
        numbers = sorted(
            rng.sample(["1.0.0", "1.1.0", "1.2.3", "2.0.0", "2.1.0"], rng.randint(1, 3))
        )
        shape = rng.choices(
            ["pure", "windows", "windows-mixed", "newest-py313", "no-fit"], [30, 35, 15, 12, 8]
        )[0]
        for n, number in enumerate(numbers):
            newest = n == len(numbers) - 1
            if shape == "pure":
                kinds: tuple[str, ...] = (PURE, SDIST) if rng.random() < 0.5 else (PURE,)
            elif shape == "windows":
                kinds = (WIN312, LINUX312, MAC312, WIN311, SDIST)
            elif shape == "windows-mixed":
                # The newest version lacks the Windows wheel; an older one, or a pure one, fits.
                kinds = (LINUX312, MAC312) if newest and len(numbers) > 1 else (WIN312, LINUX312)
            elif shape == "newest-py313":
                kinds = (PURE,)
            else:
                kinds = rng.choice([(LINUX312, MAC312), (WIN311,), (SDIST,), (LINUX312, SDIST)])
            requires = None
            if shape == "newest-py313" and newest and len(numbers) > 1:
                requires = ">=3.13"
            elif rng.random() < 0.4:
                requires = ">=3.8"
            project.versions.append(Version(number, kinds, requires))
        projects.append(project)
    return projects


def _dist(name: str) -> str:
    return name.replace("-", "_")


def _wheel(name: str, version: str, tag: str) -> tuple[str, bytes]:
    dist = _dist(name)
    info = f"{dist}-{version}.dist-info"
    members = {
        f"{dist}/__init__.py": f'__version__ = "{version}"\n'.encode(),
        f"{info}/METADATA": (
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
            f"Summary: A generated benchmark project.\n"
        ).encode(),
        f"{info}/WHEEL": (
            f"Wheel-Version: 1.0\nGenerator: asdiag-benchmark\n"
            f"Root-Is-Purelib: {'true' if tag == PURE else 'false'}\nTag: {tag}\n"
        ).encode(),
    }
    record = []
    for path, data in members.items():
        digest = hashlib.sha256(data).digest()
        encoded = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        record.append(f"{path},sha256={encoded},{len(data)}")
    record.append(f"{info}/RECORD,,")
    members[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in members.items():
            archive.writestr(zipfile.ZipInfo(path, _FIXED_TIME), data)
    return f"{dist}-{version}-{tag}.whl", buffer.getvalue()


def _sdist(name: str, version: str) -> tuple[str, bytes]:
    dist = _dist(name)
    data = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT) as archive:
        member = tarfile.TarInfo(f"{dist}-{version}/PKG-INFO")
        member.size = len(data)
        member.mtime = 1767225600
        archive.addfile(member, io.BytesIO(data))
    return f"{dist}-{version}.tar.gz", buffer.getvalue()


class Catalog:
    """Pages and files, rendered once, in memory."""

    def __init__(self, projects: list[Project]) -> None:
        self.projects = projects
        self.files: dict[str, bytes] = {}
        self.pages: dict[str, bytes] = {}
        for project in projects:
            links = []
            for version in project.versions:
                for kind in version.kinds:
                    if kind == SDIST:
                        filename, data = _sdist(project.name, version.version)
                    else:
                        filename, data = _wheel(project.name, version.version, kind)
                    self.files[filename] = data
                    requires = (
                        f' data-requires-python="{html.escape(version.requires_python)}"'
                        if version.requires_python
                        else ""
                    )
                    href = f"../../files/{filename}#sha256={hashlib.sha256(data).hexdigest()}"
                    links.append(f'<a href="{href}"{requires}>{filename}</a><br>')
            self.pages[project.name] = _html(f"Links for {project.name}", links)
        self.root = _html(
            "Simple index", [f'<a href="{p.name}/">{p.name}</a><br>' for p in projects]
        )


def _html(title: str, lines: list[str]) -> bytes:
    return (
        "<!DOCTYPE html>\n<html><head>"
        '<meta name="pypi:repository-version" content="1.0">'
        f"<title>{title}</title></head><body><h1>{title}</h1>\n"
        + "\n".join(lines)
        + "\n</body></html>\n"
    ).encode()


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


class CatalogServer(ThreadingHTTPServer):
    """The catalog over HTTP/1.1 on 127.0.0.1, with a delay per request and request counters."""

    daemon_threads = True
    block_on_close = False
    request_queue_size = 1024

    def __init__(self, catalog: Catalog, delay: float, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.catalog = catalog
        self.delay = delay
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def count(self, kind: str) -> None:
        with self._lock:
            self._counts[kind] += 1

    def take_counts(self) -> Counter[str]:
        """The requests counted since the last call, by kind; the counters start again at zero."""
        with self._lock:
            counts, self._counts = self._counts, Counter()
        return counts

    def start(self) -> threading.Thread:
        """Serve in a daemon thread; the socket already listens (bound in ``__init__``)."""
        thread = threading.Thread(target=self.serve_forever, name="catalog", daemon=True)
        thread.start()
        return thread


class _Handler(BaseHTTPRequestHandler):
    server: CatalogServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def _answer(self, *, body: bool) -> None:
        time.sleep(self.server.delay)
        catalog = self.server.catalog
        path = unquote(urlsplit(self.path).path)
        data: bytes | None = None
        content_type = "text/html; charset=utf-8"
        if path in ("/simple/", "/simple"):
            kind, data = "root", catalog.root
        elif path.startswith("/simple/"):
            kind = "page"
            data = catalog.pages.get(_normalise(path[len("/simple/") :].strip("/")))
        elif path.startswith("/files/"):
            kind = "file"
            data = catalog.files.get(path[len("/files/") :])
            content_type = "application/octet-stream"
        else:
            kind = "other"
        self.server.count(kind)
        if data is None:
            data, content_type = b"Not Found\n", "text/plain"
            self.send_response(404)
        else:
            self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=500)
    parser.add_argument("--delay-ms", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    server = CatalogServer(Catalog(generate(args.projects, args.seed)), args.delay_ms / 1000)
    print(server.port, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
