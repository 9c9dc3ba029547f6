"""Fuzzed client configuration readers (issue 12): pip's INI files, ``PIP_*`` variables, uv's
``uv.toml`` and ``[tool.uv]``, ``UV_*`` variables, requirements files, ``.netrc``; and the
``.netrc`` password lookup.

``read_client_config`` and ``netrc_lookup`` document that they never raise for file content.
Every example runs in its own temporary directory with an explicit environment: this machine's
pip, uv and netrc configuration is never read (``HOME``, ``XDG_*``, ``PIP_CONFIG_FILE``,
``NETRC``, the site prefix and ``/etc`` all point into the temporary directory).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asdiag.client_config import ClientConfig, ConfigValue, IndexEntry, read_client_config
from asdiag.credentials import NetrcEntry, netrc_lookup
from tests._fuzz import toml_document

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SECRET = "s3cr3t-Pw"

_URLS = st.sampled_from(
    [
        "https://repository.activestate.com/0d6f1e6e-1b0c-4b0a-9b1a-000000000001/pypi/simple/",
        f"https://org:{SECRET}@repository.activestate.com/org/pypi/simple",
        f"https://{SECRET}@h.example/simple",
        "https://pypi.org/simple",
        "http://[::1",
        "https://h:99999/",
        "./wheels",
        "file:///tmp/w",
        "",
    ]
)

# --- pip.conf ------------------------------------------------------------------------------------

_SECTIONS = st.one_of(
    st.sampled_from(["global", "install", "freeze", "DEFAULT", ":env:", "Global", "", " x "]),
    st.text(max_size=6),
)
_KEYS = st.one_of(
    st.sampled_from(
        [
            "index-url",
            "index_url",
            "INDEX-URL",
            "--index-url",
            "pypi-url",
            "extra-index-url",
            "find-links",
            "no-cache-dir",
            "no_cache_dir",
            "keyring-provider",
            "cert",
            "no-input",
            "no-index",
            "timeout",
        ]
    ),
    st.text(st.characters(exclude_characters="=:[]\n\r"), min_size=1, max_size=6),
)
_VALUES = st.one_of(
    _URLS,
    st.sampled_from(["true", "False", "yes", "0", "maybe", "auto", "subprocess", "", "%(x)s"]),
    st.lists(_URLS, min_size=2, max_size=3).map("\n    ".join),
    st.text(max_size=10),
)


@st.composite
def _ini(draw: st.DrawFn) -> str:
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 4))):
        if draw(st.integers(0, 5)):
            lines.append(f"[{draw(_SECTIONS)}]")
        for _ in range(draw(st.integers(0, 4))):
            separator = draw(st.sampled_from([" = ", "=", ": ", " :"]))
            lines.append(f"{draw(_KEYS)}{separator}{draw(_VALUES)}")
        if draw(st.integers(0, 3)) == 0:
            lines.append(
                draw(
                    st.one_of(
                        st.sampled_from(
                            ["[unclosed", "lonely-key", "= value", "; c", "# c", "  indented = 1"]
                        ),
                        st.text(max_size=12),
                    )
                )
            )
    return draw(st.sampled_from(["\n", "\r\n"])).join(lines)


# --- uv ------------------------------------------------------------------------------------------

_ANY = st.recursive(
    st.one_of(st.booleans(), st.integers(-5, 5), st.text(max_size=6)),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text("abc", max_size=3), inner),
    max_leaves=6,
)


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(strategy, strategy, strategy, _ANY)


_UV_INDEX = _maybe(
    st.fixed_dictionaries(
        {"url": _maybe(_URLS)},
        optional={
            "name": _maybe(st.sampled_from(["catalog", "pypi", "bad name", ""])),
            "default": _maybe(st.booleans()),
            "explicit": _maybe(st.booleans()),
            "format": _maybe(st.sampled_from(["flat", "simple"])),
        },
    )
)
_UV_SETTINGS = st.fixed_dictionaries(
    {},
    optional={
        "index": _maybe(st.lists(_UV_INDEX, max_size=3)),
        "extra-index-url": _maybe(st.lists(_URLS, max_size=2)),
        "index-url": _maybe(_URLS),
        "find-links": _maybe(st.lists(_URLS, max_size=2)),
        "no-cache": _maybe(st.booleans()),
    },
)
_UV_TABLE = st.builds(
    lambda top, pip: {**top, **({"pip": pip} if pip is not None else {})},
    _UV_SETTINGS,
    st.none() | _UV_SETTINGS | _ANY,
)
_RAW_TOML = st.sampled_from(["", "x = " + "1" * 4301 + "\n", "index-url = \n", "[[index]\n"])

# --- environment, netrc, requirements ------------------------------------------------------------

_ENV_VALUES = st.one_of(
    _URLS,
    st.lists(_URLS, min_size=1, max_size=3).map(" ".join),
    st.lists(_URLS, min_size=1, max_size=3).map(",".join),
    st.sampled_from(["catalog=https://h/simple", "=x", "1", "no", "maybe", ""]),
    st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=8),
)
_ENV_NAMES = st.sampled_from(
    [
        "PIP_INDEX_URL",
        "PIP_EXTRA_INDEX_URL",
        "PIP_FIND_LINKS",
        "PIP_NO_CACHE_DIR",
        "PIP_KEYRING_PROVIDER",
        "PIP_NO_INPUT",
        "PIP_VERSION",
        "PIP_X",
        "UV_INDEX",
        "UV_DEFAULT_INDEX",
        "UV_INDEX_URL",
        "UV_EXTRA_INDEX_URL",
        "UV_FIND_LINKS",
        "UV_NO_CACHE",
        "UV_NO_CONFIG",
    ]
)
_NETRC_TOKENS = st.one_of(
    st.sampled_from(
        [
            "machine",
            "default",
            "login",
            "password",
            "account",
            "macdef",
            "repository.activestate.com",
            "h.example",
            SECRET,
            '"quoted value"',
            '"unclosed',
            "#comment",
            "\\",
            "\n",
            "\n\n",
        ]
    ),
    st.text(max_size=5),
)
_NETRC = st.one_of(
    st.lists(_NETRC_TOKENS, max_size=14).map(lambda tokens: " ".join(tokens).encode()),
    st.builds(
        lambda host, login, extra: (
            f"machine {host} login {login} password {SECRET}{extra}".encode()
        ),
        st.sampled_from(["repository.activestate.com", "h.example"]),
        st.sampled_from(["org", '"a b"', "x"]),
        st.sampled_from(["", "\ndefault login d password dd", " account a", "\nmacdef m\nx\n"]),
    ),
    st.binary(max_size=30),
)
_REQUIREMENT_LINES = st.lists(
    st.one_of(
        st.builds(lambda u: f"--index-url {u}", _URLS),
        st.builds(lambda u: f"--extra-index-url={u}", _URLS),
        st.builds(lambda u: f"-f {u}", _URLS),
        st.sampled_from(["-r req.txt", "-c other.txt", "-r missing.txt", "-r https://h/r.txt"]),
        st.sampled_from(["numpy==1.0", "-e .", "--pre", "--no", "-i 'unclosed", "${X}"]),
        st.text(max_size=10),
    ),
    max_size=6,
)
_REQUIREMENT_HEADERS = st.sampled_from(
    [b"", b"# coding: idna\n" + b"b" * 70 + b".xn--ab\n", b"# coding: nope\n", b"\xff\xfe"]
)


def _write(path: Path, data: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))


def _check_config(config: ClientConfig) -> None:
    assert isinstance(config, ClientConfig)
    assert all(isinstance(note, str) and note for note in config.notes)
    assert all(SECRET not in note for note in config.notes)
    for entry in (*config.entries, *config.pip_extras, *config.uv_extras):
        assert isinstance(entry, IndexEntry)
        assert SECRET not in repr(entry) and SECRET not in entry.shown_url
    for value in config.values:
        assert isinstance(value, ConfigValue) and isinstance(value.enabled, bool)
    assert config.netrc.error is None or SECRET not in config.netrc.error
    assert SECRET not in repr(config.netrc)


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    pip_files=st.lists(_ini(), min_size=3, max_size=3),
    pip_encoding=st.sampled_from(["utf-8", "latin-1", "utf-16"]),
    uv_user=_UV_TABLE,
    uv_project=_UV_TABLE,
    project_file=st.sampled_from(["uv.toml", "pyproject.toml", "none"]),
    layout=st.sampled_from(["inline", "tables"]),
    raw=_RAW_TOML,
    netrc=st.none() | _NETRC,
    requirements=_REQUIREMENT_LINES,
    requirements_header=_REQUIREMENT_HEADERS,
    variables=st.dictionaries(_ENV_NAMES, _ENV_VALUES, max_size=4),
)
def test_read_client_config_never_raises(
    pip_files: list[str],
    pip_encoding: str,
    uv_user: dict[str, Any],
    uv_project: dict[str, Any],
    project_file: str,
    layout: str,
    raw: str,
    netrc: bytes | None,
    requirements: list[str],
    requirements_header: bytes,
    variables: dict[str, str],
) -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        home, etc, prefix, cwd = root / "home", root / "etc", root / "prefix", root / "project"
        environ = {
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_CONFIG_DIRS": str(root / "xdg"),
            "NETRC": str(home / ".netrc"),
            **variables,
        }
        env_file = root / "env-pip.conf"
        if "PIP_CONFIG_FILE" not in environ:
            environ["PIP_CONFIG_FILE"] = str(env_file)
        for path, text in zip(
            (home / ".config" / "pip" / "pip.conf", prefix / "pip.conf", env_file),
            pip_files,
            strict=True,
        ):
            _write(path, text.encode(pip_encoding, "replace"))
        _write(home / ".config" / "uv" / "uv.toml", raw + toml_document(uv_user, layout))
        cwd.mkdir()
        if project_file == "uv.toml":
            _write(cwd / "uv.toml", toml_document(uv_project, layout))
        elif project_file == "pyproject.toml":
            _write(cwd / "pyproject.toml", toml_document({"tool": {"uv": uv_project}}, layout))
        if netrc is not None:
            _write(home / ".netrc", netrc)
        _write(cwd / "req.txt", requirements_header + "\n".join(requirements).encode())
        _write(cwd / "other.txt", b"--index-url https://h/other/simple\n-r req.txt\n")
        config = read_client_config(
            environ, requirements=["req.txt"], cwd=cwd, prefix=str(prefix), etc=str(etc)
        )
        _check_config(config)
        for host in ("repository.activestate.com", "h.example", "other", ""):
            entry = netrc_lookup(host, environ)
            assert entry is None or (isinstance(entry, NetrcEntry) and entry.password.reveal())
            assert entry is None or SECRET not in repr(entry)


@FAST
@given(_NETRC, st.sampled_from(["repository.activestate.com", "h.example", "x"]))
def test_netrc_lookup_never_raises(netrc: bytes, host: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "netrc")
        with open(path, "wb") as handle:
            handle.write(netrc)
        for environ in ({"NETRC": path, "HOME": directory}, {"HOME": directory}, {"NETRC": ""}):
            entry = netrc_lookup(host, environ)
            assert entry is None or entry.password.reveal()
