"""Fuzzed requirements readers (issue 12): the line level (``requirement_lines``, ``parse_line``,
``decode_requirements``) and ``read_requirement_files`` over structured requirements files
(options, markers, hashes, continuations, ``${VAR}``, includes and cycles, PEP 263 headers),
``pylock.toml`` and ``pyproject.toml`` built around their expected keys.

``read_requirement_files`` documents that it never raises for file content; ``parse_line``
raises only ``OptionError`` or ``ValueError``. ``test_requirements_files.py`` already feeds
random fragments; this module builds the shapes those do not reach.
"""

from __future__ import annotations

import encodings.aliases
import os
import tempfile
from collections.abc import Mapping
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asdiag.requirements_files import (
    Entry,
    ParsedFiles,
    marker_environment,
    projects_for,
    read_requirement_files,
)
from asdiag.requirements_lines import (
    OptionError,
    decode_requirements,
    parse_line,
    requirement_lines,
)
from tests._fuzz import toml_document

FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ENVIRONMENTS = (
    marker_environment("linux", "linux", (3, 12)),
    marker_environment("win_amd64", "windows", (3, 9)),
    marker_environment("macosx_11_0_arm64", "macos", (3, 13)),
    marker_environment("other", "other", (3, 12)),
)
SECRET = "s3cr3t-Pw"

# --- requirement lines ---------------------------------------------------------------------------

_NAMES = st.one_of(
    st.sampled_from(["numpy", "Zope.Interface", "pkg_a", "a", "-bad", "name with space", ""]),
    st.from_regex(r"[A-Za-z][A-Za-z0-9._-]{0,8}", fullmatch=True),
)
_EXTRAS = st.sampled_from(["", "[test]", "[a,b]", "[]", "[", "[bad extra]"])
_SPECIFIERS = st.sampled_from(
    [
        "",
        "==1.0",
        ">=1,<2",
        "~=1.4",
        "==1.*",
        "===weird",
        "!=2.0",
        "= 1",
        "==",
        ">=1.0b2.post3.dev4",
        "<=1!2.0+local.7",
        "==1.0.*.*",
        " (>=1.0)",
    ]
)
_MARKER_VARIABLES = st.sampled_from(
    [
        "python_version",
        "python_full_version",
        "sys_platform",
        "platform_system",
        "platform_machine",
        "platform_release",
        "platform_version",
        "os_name",
        "implementation_name",
        "extra",
        "extras",
        "dependency_groups",
        "'x'",
        '"3.8"',
    ]
)
_MARKER_OPS = st.sampled_from(["==", "!=", ">=", "<", "~=", "===", "in", "not in", "=", ">>"])
_MARKER_VALUES = st.one_of(
    st.sampled_from(
        ['"3.8"', "'win32'", '"1.0"', '"abc"', '""', '"3..1"', "'x'", "python_version"]
    ),
    st.text("abc.019", max_size=4).map(lambda t: f'"{t}"'),
)
_MARKER_ATOMS = st.builds(
    lambda left, op, right: f"{left} {op} {right}", _MARKER_VARIABLES, _MARKER_OPS, _MARKER_VALUES
)
_MARKERS = st.recursive(
    _MARKER_ATOMS,
    lambda inner: st.builds(
        lambda a, joiner, b: f"({a}) {joiner} {b}",
        inner,
        st.sampled_from(["and", "or", "xor"]),
        inner,
    ),
    max_leaves=3,
)
_URLS = st.sampled_from(
    [
        "https://files.example/pkg-1.0.tar.gz",
        f"https://user:{SECRET}@files.example/pkg-1.0-py3-none-any.whl",
        "git+https://github.com/o/r.git@v1#egg=r",
        "file:///tmp/pkg",
        "./local/pkg",
        "../pkg.zip",
        "C:\\pkg\\p.whl",
        "http://[::1",
        "svn+ssh://h/r",
        "ftp://h/p.tgz",
    ]
)
_HASHES = st.one_of(
    st.sampled_from(["sha256:" + "ab" * 32, "md5:00", "sha256:", "sha256", ":ab", "SHA256:aa"]),
    st.text(max_size=8),
)
_OPTIONS = st.one_of(
    st.builds(lambda h: f"--hash={h}", _HASHES),
    st.builds(lambda h: f"--hash {h}", _HASHES),
    st.sampled_from(
        [
            "--pre",
            "--no-index",
            "--prefer-binary",
            "--only-binary :all:",
            "--no-binary=:none:",
            "--trusted-host h",
            "--use-feature truststore",
            "--config-settings k=v",
            "-C",
            "--extra",
            "--no",
            "--pre=1",
            "--unknown-option",
            "-Z",
            "--index-url 'unclosed",
            '"',
            "--",
            "-",
        ]
    ),
    st.builds(lambda u: f"-i {u}", _URLS),
    st.builds(lambda u: f"--index-url={u}", _URLS),
    st.builds(lambda u: f"--extra-index-url {u}", _URLS),
    st.builds(lambda u: f"-f {u}", _URLS),
)
_INCLUDES = st.builds(
    lambda flag, target: f"{flag} {target}",
    st.sampled_from(["-r", "-c", "--requirement", "--constraint", "-r=", "-e"]),
    st.sampled_from(
        [
            "main.txt",
            "other.txt",
            "./sub/../other.txt",
            "missing.txt",
            "sub",
            "https://h/r.txt",
            "pylock.toml",
            "${DIR}/other.txt",
            "",
        ]
    ),
)
_REQUIREMENTS = st.one_of(
    st.builds(
        lambda name, extras, spec, marker: f"{name}{extras}{spec}{marker}",
        _NAMES,
        _EXTRAS,
        _SPECIFIERS,
        st.one_of(st.just(""), _MARKERS.map(lambda m: f"; {m}"), _MARKERS.map(lambda m: f";{m}")),
    ),
    st.builds(lambda name, url: f"{name} @ {url}", _NAMES, _URLS),
    st.builds(lambda url, marker: f"{url}; {marker}", _URLS, _MARKERS),
    _URLS,
    st.builds(lambda url: f"-e {url}", _URLS),
)
_COMMENTS = st.sampled_from(["", " # a comment", "# whole", "#no-space", " \\", "\\", " \\ "])


@st.composite
def _logical_line(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 5))
    if kind == 0:
        line = " ".join(draw(st.lists(_OPTIONS, min_size=1, max_size=3)))
    elif kind == 1:
        line = draw(_INCLUDES)
    elif kind == 2:
        line = draw(st.text(max_size=20))
    else:
        line = draw(_REQUIREMENTS)
        if draw(st.booleans()):
            line += " " + " ".join(draw(st.lists(_OPTIONS, max_size=2)))
    if draw(st.integers(0, 4)) == 0:
        line = line.replace(" ", draw(st.sampled_from([" \\\n", "\\\n", " \\\n  "])), 1)
    if draw(st.integers(0, 5)) == 0:
        line = line.replace("numpy", "${NAME}").replace("files.example", "${HOST}")
    return line + draw(_COMMENTS)


_HEADERS = st.one_of(
    st.just(""),
    st.sampled_from(
        [
            "# -*- coding: utf-8 -*-\n",
            "# coding: latin-1\n",
            "# coding=utf-16\n",
            "# coding: idna\n",
            "# coding: no-such-codec\n",
            "# coding: rot13\n",
            "#!/bin/sh\n# vim: set fileencoding=cp1252 :\n",
        ]
    ),
)
_REQUIREMENTS_FILES = st.builds(
    lambda header, lines, ending: header + ending.join(lines),
    _HEADERS,
    st.lists(_logical_line(), max_size=10),
    st.sampled_from(["\n", "\r\n", "\r", "\n\n"]),
)
_ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "surrogate"])
_ENVIRON = st.fixed_dictionaries(
    {},
    optional={
        "NAME": st.sampled_from(["numpy", "", "a b", "${NAME}", "-r other.txt"]),
        "HOST": st.sampled_from(["files.example", f"u:{SECRET}@h", ""]),
        "DIR": st.sampled_from([".", "sub", "/nonexistent"]),
    },
)


def _encode(text: str, encoding: str) -> bytes:
    if encoding == "surrogate":
        return text.encode("utf-8", "surrogatepass")
    return text.encode(encoding, "replace") if encoding == "latin-1" else text.encode(encoding)


# --- TOML documents ------------------------------------------------------------------------------


_TOML_SCALARS = st.one_of(
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=8),
)
_ANY = st.recursive(
    _TOML_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text("abcdefgh-", min_size=1, max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def _around(
    keys: Mapping[str, st.SearchStrategy[Any]], required: tuple[str, ...] = ()
) -> st.SearchStrategy[dict[str, Any]]:
    """A table with some of ``keys``, each of its expected shape or of any shape; most often
    with the ``required`` ones in their expected shape, so that validation is passed and the
    code behind it is reached."""
    loose = st.fixed_dictionaries({}, optional={k: v | _ANY for k, v in keys.items()})
    if not required:
        return loose
    strict = st.fixed_dictionaries(
        {k: keys[k] for k in required},
        optional={k: v for k, v in keys.items() if k not in required},
    )
    return st.one_of(strict, loose)


_REQ_STRINGS = st.one_of(_REQUIREMENTS, st.text(max_size=10))
_VERSIONS = st.sampled_from(["1.0", "2.0.1", "1!2.0", "1.0+local", "not a version", ""])
_HASH_TABLES = st.dictionaries(
    st.sampled_from(["sha256", "md5", "x"]), st.text("ab01", max_size=64)
)
_FILE_TABLE = _around(
    {
        "name": st.sampled_from(["pkg-1.0-py3-none-any.whl", "pkg-1.0.tar.gz", "bad.whl", ""]),
        "url": _URLS,
        "path": st.sampled_from(["./p.whl", "/abs/p.whl"]),
        "hashes": _HASH_TABLES,
        "size": st.integers(-1, 10**6),
        "upload-time": st.sampled_from(["2024-01-01T00:00:00Z", "x"]),
    }
)
_PACKAGE = _around(
    {
        "name": _NAMES,
        "version": _VERSIONS,
        "marker": _MARKERS,
        "requires-python": st.sampled_from([">=3.8", "bad", ""]),
        "dependencies": st.lists(_around({"name": _NAMES, "version": _VERSIONS})),
        "vcs": _around(
            {
                "type": st.just("git"),
                "url": _URLS,
                "commit-id": st.just("ab" * 20),
                "requested-revision": st.text(max_size=3),
            }
        ),
        "directory": _around({"path": st.just("./d"), "editable": st.booleans()}),
        "archive": _around({"url": _URLS, "path": st.just("./a.zip"), "hashes": _HASH_TABLES}),
        "sdist": _FILE_TABLE,
        "wheels": st.lists(_FILE_TABLE, max_size=2),
        "index": st.just("https://pypi.org/simple"),
        "attestation-identities": st.lists(_around({"kind": st.just("GitHub")})),
        "tool": _ANY,
    },
    required=("name", "version"),
)
_PYLOCK = _around(
    {
        "lock-version": st.sampled_from(["1.0", "1.0", "1.0", "1.1", "2.0", "1", "x"]),
        "created-by": st.just("uv"),
        "environments": st.lists(_MARKERS, max_size=2),
        "requires-python": st.sampled_from([">=3.8", "bad"]),
        "extras": st.lists(st.sampled_from(["test", "Bad Extra", ""]), max_size=2),
        "dependency-groups": st.lists(st.sampled_from(["dev", "Dev_Group", ""]), max_size=2),
        "default-groups": st.lists(st.sampled_from(["dev", "x"]), max_size=2),
        "packages": st.lists(_PACKAGE, max_size=3),
    },
    required=("lock-version", "created-by", "packages"),
)
_GROUP_ITEMS = st.one_of(
    _REQ_STRINGS,
    _around({"include-group": st.sampled_from(["dev", "test", "Dev", "self", "missing"])}),
)
_PYPROJECT = _around(
    {
        "project": _around(
            {
                "name": st.sampled_from(["myproject", "My.Project", ""]),
                "dependencies": st.lists(_REQ_STRINGS, max_size=4),
                "optional-dependencies": st.dictionaries(
                    st.sampled_from(["test", "docs", "Bad Extra"]),
                    st.lists(_REQ_STRINGS, max_size=3),
                    max_size=2,
                ),
                "dynamic": st.lists(
                    st.sampled_from(["dependencies", "optional-dependencies", "version"]),
                    max_size=2,
                ),
            },
            required=("name", "dependencies"),
        ),
        "dependency-groups": st.dictionaries(
            st.sampled_from(["dev", "test", "Dev", "self"]),
            st.lists(_GROUP_ITEMS, max_size=3),
            max_size=3,
        ),
        "tool": _ANY,
    },
    required=("project",),
)
# A lock that passes validation, so that the reading behind it is reached.
_NORMAL_NAMES = st.from_regex(r"[a-z][a-z0-9]{0,4}(-[a-z0-9]{1,4})?", fullmatch=True)
_GOOD_MARKERS = st.one_of(
    st.builds(
        lambda variable, op, value: f"{variable} {op} '{value}'",
        st.sampled_from(["python_version", "sys_platform", "platform_machine", "platform_release"]),
        st.sampled_from(["==", "!=", ">=", "<", "~=", "in", "not in"]),
        st.sampled_from(["3.8", "win32", "x86_64", "1.0", "", "abc"]),
    ),
    st.sampled_from(
        ["'dev' in dependency_groups", "'test' in extras", "'x' not in extras", "extra == 'test'"]
    ),
)
_HEX = st.text("0123456789abcdef", min_size=64, max_size=64)


def _good_file(name: str) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "name": st.just(name),
            "url": st.just(f"https://files.example/{name}"),
            "hashes": st.fixed_dictionaries({"sha256": _HEX}),
        },
        optional={"size": st.integers(0, 99)},
    )


_SOURCES = st.one_of(
    st.fixed_dictionaries(
        {"wheels": st.lists(_good_file("p-1.0-py3-none-any.whl"), min_size=1, max_size=2)}
    ),
    st.fixed_dictionaries({"sdist": _good_file("p-1.0.tar.gz")}),
    st.fixed_dictionaries(
        {"vcs": st.just({"type": "git", "url": "https://g/r.git", "commit-id": "ab" * 20})}
    ),
    st.fixed_dictionaries(
        {
            "directory": st.fixed_dictionaries(
                {"path": st.just("./d")}, optional={"editable": st.booleans()}
            )
        }
    ),
    st.fixed_dictionaries(
        {
            "archive": st.fixed_dictionaries(
                {"path": st.just("./a.zip"), "hashes": st.just({"sha256": "ab" * 32})}
            )
        }
    ),
)
_GOOD_PACKAGE = st.builds(
    lambda base, source: {**base, **source},
    st.fixed_dictionaries(
        {"name": _NORMAL_NAMES},
        optional={"version": st.sampled_from(["1.0", "2.0.post1", "1!3"]), "marker": _GOOD_MARKERS},
    ),
    _SOURCES,
)
_GOOD_PYLOCK = st.fixed_dictionaries(
    {
        "lock-version": st.just("1.0"),
        "created-by": st.just("uv"),
        "packages": st.lists(_GOOD_PACKAGE, max_size=4),
    },
    optional={
        "extras": st.lists(st.sampled_from(["test", "docs"]), max_size=2, unique=True),
        "dependency-groups": st.lists(st.sampled_from(["dev", "lint"]), max_size=2, unique=True),
        "environments": st.lists(_GOOD_MARKERS, max_size=2),
    },
)
_PYLOCK = st.one_of(_GOOD_PYLOCK, _PYLOCK)

#: Lines that are not built from a model: what tomllib or packaging may choke on.
_RAW_TOML = st.sampled_from(
    [
        "",
        "lock-version = '1.0'\n[[packages]]\nname = 'a'\n",
        "[project]\ndependencies = ['a',\n",
        "x = " + "1" * 4301 + "\n",
        "x = 1979-05-27T07:32:00+99:00\n",
        "x = 0x" + "f" * 5000 + "\n",
        "[[packages]]\n[[packages]]\nname = 'a'\n",
        "\ufeff[project]\n",
    ]
)


# --- properties ----------------------------------------------------------------------------------


def _check_parsed(parsed: ParsedFiles) -> None:
    assert all(isinstance(problem, str) and problem for problem in parsed.problems)
    assert all(SECRET not in problem for problem in parsed.problems)
    for entry in parsed.entries:
        assert isinstance(entry, Entry)
        assert SECRET not in repr(entry) and SECRET not in entry.shown_text
        assert entry.origin.line is None or entry.origin.line >= 1
    for line in parsed.index_lines:
        assert SECRET not in repr(line) and SECRET not in line.shown_url
    for environment in ENVIRONMENTS:
        for name, specifier, entries in projects_for(parsed, environment):
            assert name == name.lower() and entries
            assert str(specifier) is not None


@FAST
@given(st.text(max_size=200), _ENVIRON)
def test_requirement_lines_are_numbered_stripped_and_non_empty(
    text: str, environ: dict[str, str]
) -> None:
    count = len(text.splitlines())
    previous = 0
    for number, line in requirement_lines(text, environ):
        assert 1 <= number <= max(count, 1)
        assert number >= previous
        previous = number
        assert line and line == line.strip()
        assert "\n" not in line and "\r" not in line


@FAST
@given(st.lists(_logical_line(), max_size=6), _ENVIRON)
def test_parse_line_raises_only_its_documented_errors(
    lines: list[str], environ: dict[str, str]
) -> None:
    for _, line in requirement_lines("\n".join(lines), environ):
        try:
            args, options = parse_line(line)
        except (OptionError, ValueError):
            continue
        assert isinstance(args, str) and args == args.strip()
        assert options is not None


_CODECS = sorted({*encodings.aliases.aliases.values(), "idna", "punycode", "utf_7", "no-such"})


@FAST
@given(
    st.sampled_from(_CODECS),
    st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00"]),
    st.binary(max_size=40),
)
def test_decode_requirements_raises_only_decoding_errors(
    codec: str, bom: bytes, body: bytes
) -> None:
    """Both readers catch ``UnicodeError`` and ``LookupError`` (a PEP 263 name no codec has, or a
    bytes-to-bytes codec); nothing else may come out of a declared encoding."""
    for data in (
        bom + body,
        f"# coding: {codec}\n".encode() + body,
        b"#!x\n# coding=" + codec.encode() + b"\n" + body,
    ):
        try:
            text = decode_requirements(data)
        except (UnicodeError, LookupError):
            continue
        assert isinstance(text, str)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    main=_REQUIREMENTS_FILES,
    other=_REQUIREMENTS_FILES,
    encoding=_ENCODINGS,
    environ=_ENVIRON,
)
def test_structured_requirements_files_never_raise(
    main: str, other: str, encoding: str, environ: dict[str, str]
) -> None:
    with tempfile.TemporaryDirectory() as directory:
        os.mkdir(os.path.join(directory, "sub"))
        for name, text in (("main.txt", main), ("other.txt", other)):
            with open(os.path.join(directory, name), "wb") as handle:
                handle.write(_encode(text, encoding))
        parsed = read_requirement_files([os.path.join(directory, "main.txt")], environ=environ)
        _check_parsed(parsed)
        assert parsed.files[:1] == (os.path.join(directory, "main.txt"),)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lock=_PYLOCK,
    pyproject=_PYPROJECT,
    layout=st.sampled_from(["inline", "tables"]),
    raw=_RAW_TOML,
    other_name=st.sampled_from(["pylock.dev.toml", "deps.toml", "pylock.toml.txt"]),
)
def test_pylock_and_pyproject_documents_never_raise(
    lock: dict[str, Any], pyproject: dict[str, Any], layout: str, raw: str, other_name: str
) -> None:
    with tempfile.TemporaryDirectory() as directory:
        files = {
            "pylock.toml": toml_document(lock, layout),
            "pyproject.toml": toml_document(pyproject, layout),
            other_name: raw + toml_document(lock if raw else pyproject, layout),
        }
        for name, text in files.items():
            with open(os.path.join(directory, name), "w", encoding="utf-8") as handle:
                handle.write(text)
        parsed = read_requirement_files([os.path.join(directory, name) for name in files])
        _check_parsed(parsed)
