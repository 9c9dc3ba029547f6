"""Tests for asdiag.requirements_files: requirements files, pylock.toml and pyproject.toml."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from packaging.specifiers import SpecifierSet

from asdiag.platforms import PRESETS
from asdiag.requirements_files import (
    UNCHECKABLE_EDITABLE,
    UNCHECKABLE_PATH,
    UNCHECKABLE_SELF,
    UNCHECKABLE_URL,
    UNCHECKABLE_VCS,
    Entry,
    FormatControl,
    IndexLine,
    OptionLine,
    Origin,
    ParsedFiles,
    ReleaseControl,
    file_kind,
    marker_environment,
    projects_for,
    read_requirement_files,
)

SECRET = "Idx-S3cret-pw"
WINDOWS_312 = marker_environment("windows", "windows", (3, 12))
LINUX_312 = marker_environment("linux", "linux", (3, 12))
LINUX_39 = marker_environment("linux", "linux", (3, 9))
MACOS_312 = marker_environment("macos", "macos", (3, 12))


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory, so that origins read as relative paths."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def texts(parsed: ParsedFiles) -> list[tuple[str, str]]:
    return [(e.text, e.origin.describe()) for e in parsed.entries]


def names(projects: tuple[tuple[str, SpecifierSet, tuple[Entry, ...]], ...]) -> list[str]:
    return [name for name, _, _ in projects]


# --- file structure ------------------------------------------------------------------------------


def test_continuations_comments_and_blank_lines(work: Path) -> None:
    write(
        work / "r.txt",
        "# a full-line comment\n"
        "\n"
        "requests>=2.0 \\\n"
        "    ,<3  # why: the 3.x API\n"
        "   \n"
        "attrs \\\n"
        "# a comment ends a continuation\n"
        "click\\\n",
    )
    parsed = read_requirement_files(["r.txt"], environ={})
    # pip's join_lines: a joined line takes the number of its first line.
    assert texts(parsed) == [
        ("requests>=2.0     ,<3", "r.txt:3"),
        ("attrs", "r.txt:6"),
        ("click", "r.txt:8"),
    ]
    assert str(parsed.entries[0].requirement) == "requests<3,>=2.0"
    assert parsed.problems == ()


def test_a_hash_in_a_name_is_a_problem_not_a_comment(work: Path) -> None:
    # pip's COMMENT_RE needs whitespace before "#": "flask#x" is handed to packaging as is.
    write(work / "r.txt", "flask#x\n")
    parsed = read_requirement_files(["r.txt"], environ={})
    assert parsed.entries == ()
    assert len(parsed.problems) == 1
    assert parsed.problems[0].startswith("r.txt:1: invalid requirement 'flask#x': ")
    assert "\n" not in parsed.problems[0] and "^" not in parsed.problems[0]


def test_includes_are_relative_to_the_including_file(work: Path) -> None:
    write(work / "reqs/base.txt", "-r sub/more.txt\nrequests\n-c ../constraints.txt\n")
    write(work / "reqs/sub/more.txt", "--requirement ../common.txt\nflask\n")
    write(work / "reqs/common.txt", "attrs\n")
    write(work / "constraints.txt", "requests<3\n--constraint=reqs/pins.txt\n")
    write(work / "reqs/pins.txt", "attrs==23.1\n")
    parsed = read_requirement_files(["reqs/base.txt"], environ={})
    assert parsed.files == (
        "reqs/base.txt",
        "reqs/sub/more.txt",
        "reqs/common.txt",
        "constraints.txt",
        "reqs/pins.txt",
    )
    assert [(e.text, e.origin.describe(), e.constraint) for e in parsed.entries] == [
        ("attrs", "reqs/common.txt:1", False),
        ("flask", "reqs/sub/more.txt:2", False),
        ("requests", "reqs/base.txt:2", False),
        ("requests<3", "constraints.txt:1", True),
        ("attrs==23.1", "reqs/pins.txt:1", True),
    ]
    assert parsed.problems == ()


def test_a_requirement_include_inside_a_constraints_file_gives_requirements(work: Path) -> None:
    # pip's _parse_and_recurse sets the nested file's kind from the option, not the parent.
    write(work / "c.txt", "-r more.txt\nsix<2\n")
    write(work / "more.txt", "six\n")
    write(work / "r.txt", "-c c.txt\n")
    parsed = read_requirement_files(["r.txt"], environ={})
    assert [(e.text, e.constraint) for e in parsed.entries] == [("six", False), ("six<2", True)]


def test_an_include_cycle_is_a_problem_and_each_file_is_read_once(work: Path) -> None:
    write(work / "a.txt", "alpha\n-r sub/b.txt\n")
    write(work / "sub/b.txt", "beta\n-r ../a.txt\n")
    parsed = read_requirement_files(["a.txt"], environ={})
    assert texts(parsed) == [("alpha", "a.txt:1"), ("beta", "sub/b.txt:1")]
    assert parsed.problems == (
        "sub/b.txt:2: a.txt recursively references itself in sub/b.txt; "
        "pip refuses the file, asdiag skips the include",
    )


def test_a_file_including_itself_and_a_diamond(work: Path) -> None:
    write(work / "self.txt", "-r self.txt\none\n")
    write(work / "top.txt", "-r left.txt\n-r right.txt\n")
    write(work / "left.txt", "-r shared.txt\n")
    write(work / "right.txt", "-r shared.txt\n")
    write(work / "shared.txt", "two\n")
    parsed = read_requirement_files(["self.txt", "top.txt"], environ={})
    # A diamond is no cycle: pip reads shared.txt twice, and so does asdiag.
    assert [e.text for e in parsed.entries] == ["one", "two", "two"]
    assert parsed.files == ("self.txt", "top.txt", "left.txt", "shared.txt", "right.txt")
    assert len(parsed.problems) == 1
    assert parsed.problems[0].startswith("self.txt:1: self.txt recursively references itself")


def test_missing_files_and_url_includes_are_problems(work: Path) -> None:
    write(work / "r.txt", f"-r nope.txt\n-c https://u:{SECRET}@host/c.txt\nok\n")
    parsed = read_requirement_files(["r.txt", "absent.txt"], environ={})
    assert [e.text for e in parsed.entries] == ["ok"]
    assert parsed.problems == (
        "r.txt:1: cannot open requirements file nope.txt (No such file or directory)",
        "r.txt:2: includes https://u:****@host/c.txt, a URL asdiag does not fetch",
        "absent.txt: cannot open requirements file absent.txt (No such file or directory)",
    )
    assert parsed.files == ("r.txt",)


def test_undecodable_file_is_a_problem(work: Path) -> None:
    (work / "r.txt").write_bytes(b"# -*- coding: no-such-codec -*-\nrequests\n")
    parsed = read_requirement_files(["r.txt"], environ={})
    assert parsed.entries == ()
    assert parsed.problems == (
        "r.txt: cannot be decoded (declare its encoding with a PEP 263 comment)",
    )


def test_utf16_with_a_bom_is_read(work: Path) -> None:
    (work / "r.txt").write_bytes("requests\n".encode("utf-16"))
    assert [e.text for e in read_requirement_files(["r.txt"], environ={}).entries] == ["requests"]


def test_environment_variables_expand_as_pip_does(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(
        work / "r.txt",
        "--index-url https://ci:${TOKEN}@idx.example/simple\n"
        "${PKG}>=1\n"
        "keep-${UNSET}\n"
        "lower-${pkg}\n"
        "empty${EMPTY}\n",
    )
    env = {"TOKEN": SECRET, "PKG": "requests", "pkg": "nope", "EMPTY": ""}
    parsed = read_requirement_files(["r.txt"], environ=env)
    assert parsed.index_lines[0].url == f"https://ci:{SECRET}@idx.example/simple"
    assert [e.text for e in parsed.entries] == ["requests>=1"]
    # Unset, empty and lower-case names stay as written (pip's ENV_VAR_RE and "if not value").
    assert [p.split(": ")[0] for p in parsed.problems] == ["r.txt:3", "r.txt:4", "r.txt:5"]
    monkeypatch.setenv("PKG", "flask")
    assert read_requirement_files(["r.txt"]).entries[0].text == "flask>=1"


def test_hashes(work: Path) -> None:
    write(
        work / "r.txt",
        "requests==2.31.0 --hash=sha256:aaaa \\\n"
        "    --hash sha512:bbbb\n"
        "six --hash=md5:cccc --hash=nocolon\n"
        "--hash=sha256:dddd\n",
    )
    parsed = read_requirement_files(["r.txt"], environ={})
    # pip's option parser refuses an md5 --hash, and with it the file: six is not checked.
    assert [(e.text, e.hashes) for e in parsed.entries] == [
        ("requests==2.31.0", ("sha256:aaaa", "sha512:bbbb")),
    ]
    assert parsed.problems == (
        "r.txt:3: --hash algorithm 'md5': pip accepts sha256, sha384, sha512; pip refuses the file",
        "r.txt:4: --hash without a requirement is ignored by pip",
    )


def test_lines_pip_refuses_are_its_refusal_not_a_check(work: Path) -> None:
    (work / "inc.txt").write_text("included-one\n", encoding="utf-8")
    write(
        work / "r.txt",
        f"x==1.0 -e ./y\n./local -e ./other\nz --hash=nocolon\n-r {(work / 'inc.txt').as_uri()}\n",
    )
    parsed = read_requirement_files(["r.txt"], environ={})
    assert [(e.text, e.uncheckable) for e in parsed.entries] == [
        ("./local", UNCHECKABLE_EDITABLE),
        ("included-one", ""),
    ]
    assert parsed.problems == (
        "r.txt:1: 'x==1.0' is not a valid editable requirement (the -e on its line makes it "
        "one); pip refuses it",
        "r.txt:3: --hash 'nocolon' is not algorithm:digest (like sha256:abcd...); pip refuses "
        "the file",
    )


def test_index_lines_and_global_options(work: Path) -> None:
    write(
        work / "r.txt",
        f"-i https://ci:{SECRET}@idx.example/simple\n"
        "--extra-index-url=https://pypi.org/simple --extra-index-url https://token@x.example/\n"
        "-f ./wheels\n"
        "--find-links https://files.example/\n"
        "--pre\n"
        "--only-binary :all:\n"
        "--no-binary=lxml --prefer-binary\n"
        "--trusted-host idx.example\n"
        "--use-feature truststore\n"
        "requests --index-url https://ignored.example/simple\n",
    )
    parsed = read_requirement_files(["r.txt"], environ={})
    assert [(i.option, i.url, i.origin.line) for i in parsed.index_lines] == [
        ("--index-url", f"https://ci:{SECRET}@idx.example/simple", 1),
        ("--extra-index-url", "https://pypi.org/simple", 2),
        ("--extra-index-url", "https://token@x.example/", 2),
        ("--find-links", "./wheels", 3),
        ("--find-links", "https://files.example/", 4),
    ]
    assert parsed.index_lines[0].shown_url == "https://ci:****@idx.example/simple"
    assert parsed.index_lines[2].shown_url == "https://****@x.example/"
    assert [(o.option, o.value, o.origin.line) for o in parsed.options] == [
        ("--pre", "", 5),
        ("--only-binary", ":all:", 6),
        ("--no-binary", "lxml", 7),
        ("--prefer-binary", "", 7),
        ("--trusted-host", "idx.example", 8),
        ("--use-feature", "truststore", 9),
    ]
    assert parsed.options[0] == OptionLine("--pre", "", Origin("r.txt", 5))
    assert parsed.problems == (
        "r.txt:10: --index-url on a requirement line is ignored by pip; "
        "put it on a line of its own",
    )


def test_no_password_leaks_through_repr_str_or_problems(work: Path) -> None:
    write(
        work / "r.txt",
        f"--index-url https://ci:{SECRET}@idx.example/simple\n"
        f"--extra-index-url https://ci:${{PW}}@extra.example/simple\n"
        f"demo @ https://ci:{SECRET}@idx.example/demo.whl ; python_version >< '3'\n"
        f"other @ https://ci:{SECRET}@idx.example/other.whl\n"
        f"https://ci:{SECRET}@idx.example/bare.whl\n"
        f"requests --extra-index-url https://ci:{SECRET}@idx.example/x\n"
        "broken ${PW} line\n",
    )
    parsed = read_requirement_files(["r.txt"], environ={"PW": "env-Secret-42"})
    everything = repr(parsed) + str(parsed) + "".join(parsed.problems)
    everything += "".join(repr(i) + str(i) + i.shown_url for i in parsed.index_lines)
    everything += "".join(repr(e) + str(e) + e.shown_text for e in parsed.entries)
    assert SECRET not in everything
    assert "env-Secret-42" not in everything
    assert len(parsed.index_lines) == 2
    assert parsed.index_lines[1].url == "https://ci:env-Secret-42@extra.example/simple"
    assert "r.txt:3: invalid requirement" in parsed.problems[0]
    # Known by value: the password of an index line, masked wherever a problem quotes it.
    assert parsed.problems[-1].startswith("r.txt:7: invalid requirement 'broken ${PW} line'")
    # repr(IndexLine) leaves the URL out entirely.
    assert repr(parsed.index_lines[0]) == (
        "IndexLine(option='--index-url', origin=Origin(path='r.txt', line=1))"
    )
    assert isinstance(parsed.index_lines[0], IndexLine)


def test_only_the_first_of_several_includes_or_editables_counts(work: Path) -> None:
    write(work / "r.txt", "-r a.txt -r b.txt\n-c b.txt -r a.txt\n-e ./x -e ./y\n")
    write(work / "a.txt", "alpha\n")
    write(work / "b.txt", "beta\n")
    parsed = read_requirement_files(["r.txt"], environ={})
    assert [(e.text, e.constraint, e.uncheckable) for e in parsed.entries] == [
        ("alpha", False, ""),
        ("alpha", False, ""),  # -r wins over -c on one line, as in pip
        ("./x", False, UNCHECKABLE_EDITABLE),
    ]
    assert parsed.problems == (
        "r.txt:1: several includes on one line: pip reads only 'a.txt'",
        "r.txt:2: several includes on one line: pip reads only 'a.txt'",
        "r.txt:3: several -e values on one line: pip reads only the first",
    )
    assert Origin("r.txt").describe() == "r.txt"


def test_editable_url_and_path_lines(work: Path) -> None:
    write(
        work / "r.txt",
        "-e ./local\n"
        "--editable git+https://example.org/repo.git#egg=thing\n"
        "./pkg\n"
        "../x.tar.gz\n"
        "dist/demo-1.0-py3-none-any.whl\n"
        "pkg-1.0.zip\n"
        "file:../y.zip\n"
        "https://example.org/z-1.0.tar.gz; sys_platform == 'win32'\n"
        "git+https://example.org/repo.git@v1#egg=repo\n"
        "demo @ https://example.org/demo-1.0.tar.gz\n"
        "local @ file:///srv/local\n"
        "vcs @ git+https://example.org/vcs.git\n"
        "requests\n",
    )
    parsed = read_requirement_files(["r.txt"], environ={})
    assert [(e.text, e.requirement is not None, e.uncheckable) for e in parsed.entries] == [
        ("./local", False, UNCHECKABLE_EDITABLE),
        ("git+https://example.org/repo.git#egg=thing", False, UNCHECKABLE_EDITABLE),
        ("./pkg", False, UNCHECKABLE_PATH),
        ("../x.tar.gz", False, UNCHECKABLE_PATH),
        ("dist/demo-1.0-py3-none-any.whl", False, UNCHECKABLE_PATH),
        ("pkg-1.0.zip", False, UNCHECKABLE_PATH),
        ("file:../y.zip", False, UNCHECKABLE_PATH),
        ("https://example.org/z-1.0.tar.gz; sys_platform == 'win32'", False, UNCHECKABLE_URL),
        ("git+https://example.org/repo.git@v1#egg=repo", False, UNCHECKABLE_VCS),
        ("demo @ https://example.org/demo-1.0.tar.gz", True, UNCHECKABLE_URL),
        ("local @ file:///srv/local", True, UNCHECKABLE_PATH),
        ("vcs @ git+https://example.org/vcs.git", True, UNCHECKABLE_VCS),
        ("requests", True, ""),
    ]
    assert parsed.problems == ()
    bare_url = parsed.entries[7]
    assert str(bare_url.marker) == 'sys_platform == "win32"'
    assert bare_url.applies(WINDOWS_312) and not bare_url.applies(LINUX_312)
    assert names(projects_for(parsed, LINUX_312)) == ["requests"]


def test_invalid_lines_are_problems_with_the_first_error_line(work: Path) -> None:
    write(
        work / "r.txt",
        "good\n"
        "foo >=< 1\n"
        "bar=1\n"
        "--no-such-option\n"
        "--index-url\n"
        "-r 'unterminated\n"
        "./x.tar.gz; python_version ><\n"
        "also-good\n",
    )
    parsed = read_requirement_files(["r.txt"], environ={})
    assert [e.text for e in parsed.entries] == ["good", "also-good"]
    assert parsed.problems == (
        "r.txt:2: invalid requirement 'foo >=< 1': Expected semicolon (after name with no "
        "version specifier) or end",
        "r.txt:3: invalid requirement 'bar=1': Expected semicolon (after name with no version "
        "specifier) or end (= is not a valid operator; did you mean ==?)",
        "r.txt:4: no such option: --no-such-option; pip refuses the file",
        "r.txt:5: --index-url option requires 1 argument; pip refuses the file",
        "r.txt:6: No closing quotation; pip refuses the file",
        "r.txt:7: invalid marker in './x.tar.gz': Expected a marker variable or quoted string",
    )


# --- markers, constraints, duplicates ----------------------------------------------------------


@pytest.fixture
def marked(work: Path) -> ParsedFiles:
    write(
        work / "r.txt",
        'pywin32; sys_platform == "win32"\n'
        'uvloop; sys_platform != "win32"\n'
        'tomli; python_version < "3.11"\n'
        'appnope; platform_system == "Darwin"\n'
        "Requests[socks]>=2\n"
        'numpy>=1.26; platform_machine == "arm64"\n'
        "test-only; extra == 'test'\n",
    )
    return read_requirement_files(["r.txt"], environ={})


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        (WINDOWS_312, ["pywin32", "requests"]),
        (marker_environment("windows", "windows", (3, 9)), ["pywin32", "tomli", "requests"]),
        (LINUX_312, ["uvloop", "requests"]),
        (LINUX_39, ["uvloop", "tomli", "requests"]),
        (MACOS_312, ["uvloop", "appnope", "requests", "numpy"]),
        (marker_environment("macos-x86_64", "macos", (3, 12)), ["uvloop", "appnope", "requests"]),
    ],
)
def test_markers_per_target(
    marked: ParsedFiles, environment: dict[str, str], expected: list[str]
) -> None:
    assert names(projects_for(marked, environment)) == expected


def test_constraints_combine_and_add_no_project(work: Path) -> None:
    write(
        work / "r.txt",
        "-c c.txt\nrequests>=2\nZope.Interface\nrequests!=2.30.0\nzope-interface<7\n",
    )
    write(
        work / "c.txt",
        "requests<3\nnot-required==1.0\nzope.interface>=5\npywin32==306; sys_platform == 'win32'\n",
    )
    write(work / "w.txt", "pywin32\n")
    parsed = read_requirement_files(["r.txt", "w.txt"], environ={})
    projects = projects_for(parsed, WINDOWS_312)
    assert [(name, str(spec)) for name, spec, _ in projects] == [
        ("requests", "!=2.30.0,<3,>=2"),
        ("zope-interface", "<7,>=5"),
        ("pywin32", "==306"),
    ]
    assert [e.origin.describe() for e in projects[0][2]] == ["c.txt:1", "r.txt:2", "r.txt:4"]
    linux = projects_for(parsed, LINUX_312)
    assert [(name, str(spec)) for name, spec, _ in linux][2] == ("pywin32", "")


def test_unnamed_editable_and_extras_constraints_are_refused(work: Path) -> None:
    write(work / "r.txt", "-c c.txt\nrequests\n")
    write(work / "c.txt", "./local\n-e ./other\nrequests[socks]<3\ndemo @ https://e.org/d.whl\n")
    parsed = read_requirement_files(["r.txt"], environ={})
    assert [(e.text, e.constraint) for e in parsed.entries] == [
        ("demo @ https://e.org/d.whl", True),
        ("requests", False),
    ]
    assert parsed.problems == (
        "c.txt:1: an unnamed requirement is not a valid constraint; pip refuses it",
        "c.txt:2: an editable requirement is not a valid constraint; pip refuses it",
        "c.txt:3: a constraint cannot have extras; pip refuses it",
    )


def test_a_url_requirement_takes_its_project_out_of_the_index_list(work: Path) -> None:
    write(work / "r.txt", "demo>=1\nother\ndemo @ https://example.org/demo-1.0.tar.gz\n")
    parsed = read_requirement_files(["r.txt"], environ={})
    assert names(projects_for(parsed, LINUX_312)) == ["other"]


def test_an_unevaluable_marker_counts_as_true(work: Path) -> None:
    # packaging raises UndefinedComparison for "~=" against a non-version: check it anyway.
    write(work / "r.txt", "odd; python_version ~= 'x'\nfalse; python_version < '3'\n")
    parsed = read_requirement_files(["r.txt"], environ={})
    assert parsed.problems == ()
    assert names(projects_for(parsed, LINUX_312)) == ["odd"]


# --- pylock.toml -------------------------------------------------------------------------------

PYLOCK = """\
lock-version = "1.0"
created-by = "test"
requires-python = ">=3.9"
dependency-groups = ["dev"]

[[packages]]
name = "requests"
version = "2.32.3"
index = "https://pypi.org/simple"

[[packages.wheels]]
url = "https://files.example/requests-2.32.3-py3-none-any.whl"
hashes = {sha256 = "aa"}

[packages.sdist]
name = "requests-2.32.3.tar.gz"
url = "https://files.example/requests-2.32.3.tar.gz"
hashes = {sha256 = "bb"}

[[packages]]
name = "pywin32"
version = "306"
marker = "sys_platform == 'win32'"
wheels = [
  {name = "pywin32-306-cp312-cp312-win_amd64.whl", path = "w/a.whl", hashes = {sha256 = "cc"}},
]

[[packages]]
name = "pytest"
version = "8.0.0"
marker = "'dev' in dependency_groups"
wheels = [{url = "https://f.example/pytest-8.0.0-py3-none-any.whl", hashes = {sha256 = "dd"}}]

[[packages]]
name = "mylib"
vcs = {type = "git", url = "https://example.org/mylib.git", commit-id = "abc123"}
"""


def test_pylock(work: Path) -> None:
    write(work / "pylock.toml", PYLOCK)
    parsed = read_requirement_files(["pylock.toml"], environ={})
    assert parsed.problems == ()
    assert parsed.files == ("pylock.toml",)
    assert [
        (str(e.requirement), e.origin.describe(), e.pinned_files, e.uncheckable)
        for e in parsed.entries
    ] == [
        (
            "requests==2.32.3",
            "pylock.toml:7",
            ("requests-2.32.3-py3-none-any.whl", "requests-2.32.3.tar.gz"),
            "",
        ),
        (
            'pywin32==306; sys_platform == "win32"',
            "pylock.toml:21",
            ("pywin32-306-cp312-cp312-win_amd64.whl",),
            "",
        ),
        (
            'pytest==8.0.0; "dev" in dependency_groups',
            "pylock.toml:29",
            ("pytest-8.0.0-py3-none-any.whl",),
            "",
        ),
        ("mylib", "pylock.toml:35", (), UNCHECKABLE_VCS),
    ]
    windows = projects_for(parsed, WINDOWS_312)
    assert [(n, str(s)) for n, s, _ in windows] == [
        ("requests", "==2.32.3"),
        ("pywin32", "==306"),
        ("pytest", "==8.0.0"),
    ]
    assert names(projects_for(parsed, LINUX_312)) == ["requests", "pytest"]


def test_named_pylock_and_invalid_locks(work: Path) -> None:
    write(work / "pylock.dev.toml", PYLOCK.replace('name = "pywin32"', 'name = "PyWin32"'))
    write(work / "pylock.bad.toml", 'lock-version = "1.0"\n')
    write(work / "pylock.future.toml", 'lock-version = "2.0"\ncreated-by = "x"\npackages = []\n')
    write(work / "pylock.broken.toml", "lock-version = \n")
    parsed = read_requirement_files(
        ["pylock.dev.toml", "pylock.bad.toml", "pylock.future.toml", "pylock.broken.toml"],
        environ={},
    )
    assert parsed.entries == ()
    assert parsed.problems == (
        "pylock.dev.toml: not a valid PEP 751 lock (Name 'PyWin32' is not normalized in "
        "'packages[1].name')",
        "pylock.bad.toml: not a valid PEP 751 lock (Missing required value in 'created-by')",
        "pylock.future.toml: not a valid PEP 751 lock (pylock version 2.0 is not supported)",
        "pylock.broken.toml: not valid TOML (Invalid value (at line 1, column 16))",
    )


# --- pyproject.toml ------------------------------------------------------------------------------

PYPROJECT = """\
[project]
name = "My.App"
dependencies = [
    "requests>=2",
    'tomli; python_version < "3.11"',
    "not valid ===",
]

[project.optional-dependencies]
socks = ["PySocks>=1.7"]
all = ["my-app[socks]"]

[dependency-groups]
test = ["pytest>=8", {include-group = "lint"}]
lint = ["ruff"]
dev = [{include-group = "test"}, "ipython"]
loop-a = [{include-group = "loop-b"}]
loop-b = [{include-group = "loop-a"}]
"""


def test_pyproject(work: Path) -> None:
    write(work / "proj/pyproject.toml", PYPROJECT)
    parsed = read_requirement_files([Path("proj/pyproject.toml")], environ={})
    assert [(e.text, e.origin.describe(), e.group, e.uncheckable) for e in parsed.entries] == [
        ("requests>=2", "proj/pyproject.toml:4", "", ""),
        ('tomli; python_version < "3.11"', "proj/pyproject.toml:5", "", ""),
        ("PySocks>=1.7", "proj/pyproject.toml:10", "optional-dependencies.socks", ""),
        ("my-app[socks]", "proj/pyproject.toml:11", "optional-dependencies.all", UNCHECKABLE_SELF),
        ("pytest>=8", "proj/pyproject.toml:14", "dependency-groups.test", ""),
        ("ruff", "proj/pyproject.toml:15", "dependency-groups.test", ""),
        ("ruff", "proj/pyproject.toml:15", "dependency-groups.lint", ""),
        ("pytest>=8", "proj/pyproject.toml:14", "dependency-groups.dev", ""),
        ("ruff", "proj/pyproject.toml:15", "dependency-groups.dev", ""),
        ("ipython", "proj/pyproject.toml:16", "dependency-groups.dev", ""),
    ]
    assert len(parsed.problems) == 3
    assert parsed.problems[0].startswith(
        "proj/pyproject.toml:6: invalid requirement 'not valid ===': "
    )
    assert parsed.problems[1].startswith("proj/pyproject.toml: [dependency-groups] loop-a: Cyclic")
    assert parsed.problems[2].startswith("proj/pyproject.toml: [dependency-groups] loop-b: Cyclic")
    assert names(projects_for(parsed, LINUX_312)) == [
        "requests",
        "pysocks",
        "pytest",
        "ruff",
        "ipython",
    ]
    assert "tomli" in names(projects_for(parsed, LINUX_39))


def test_pyproject_shapes(work: Path) -> None:
    write(work / "a/pyproject.toml", '[project]\nname = "x"\ndynamic = ["dependencies"]\n')
    write(work / "b/pyproject.toml", '[dependency-groups]\nDev = ["a"]\ndev = ["b"]\n')
    write(work / "c/pyproject.toml", "[tool.x]\ny = 1\n")
    write(work / "d/pyproject.toml", '[project]\ndependencies = "requests"\n')
    write(work / "deps.toml", '[project]\ndependencies = ["six"]\n')
    write(work / "other.toml", "[tool]\n")
    parsed = read_requirement_files(
        [f"{d}/pyproject.toml" for d in "abcd"] + ["deps.toml", "other.toml"], environ={}
    )
    assert [e.text for e in parsed.entries] == ["six"]
    assert parsed.problems == (
        "a/pyproject.toml: [project] dependencies are dynamic (computed by the build backend); "
        "asdiag cannot list them",
        "a/pyproject.toml: lists no dependencies ([project] or [dependency-groups])",
        "b/pyproject.toml: [dependency-groups]: Duplicate dependency group names: dev (Dev, dev)",
        "c/pyproject.toml: lists no dependencies ([project] or [dependency-groups])",
        "d/pyproject.toml: [project] dependencies is not a list",
        "other.toml: a TOML file that is neither a lock (no lock-version) nor a pyproject "
        "(no [project] or [dependency-groups]); name it pylock.toml or pyproject.toml",
    )


def test_file_kind() -> None:
    assert file_kind("requirements.txt") == "requirements"
    assert file_kind("reqs/dev.in") == "requirements"
    assert file_kind("x/pyproject.toml") == "pyproject"
    assert file_kind("pylock.toml") == "pylock"
    assert file_kind("pylock.win.toml") == "pylock"
    assert file_kind("pylock.a.b.toml") is None  # not PEP 751's name: decided by content
    assert file_kind("lock.toml", {"lock-version": "1.0"}) == "pylock"
    assert file_kind("deps.toml", {"dependency-groups": {}}) == "pyproject"
    assert file_kind("deps.toml", {"tool": {}}) is None


# --- marker environments -----------------------------------------------------------------------


def test_marker_environment_windows() -> None:
    assert marker_environment("windows", "windows", (3, 12)) == {
        "implementation_name": "cpython",
        "implementation_version": "3.12.0",
        "os_name": "nt",
        "platform_machine": "AMD64",
        "platform_release": "10",
        "platform_system": "Windows",
        "platform_version": "",
        "python_full_version": "3.12.0",
        "platform_python_implementation": "CPython",
        "python_version": "3.12",
        "sys_platform": "win32",
    }


@pytest.mark.parametrize(
    ("key", "os_name", "fields"),
    [
        ("linux", "linux", ("linux", "Linux", "posix", "x86_64", "")),
        ("linux-aarch64", "linux", ("linux", "Linux", "posix", "aarch64", "")),
        ("musllinux", "linux", ("linux", "Linux", "posix", "x86_64", "")),
        ("manylinux_2_17_armv7l", "linux", ("linux", "Linux", "posix", "armv7l", "")),
        ("manylinux2014_aarch64", "linux", ("linux", "Linux", "posix", "aarch64", "")),
        ("musllinux_1_2_aarch64", "linux", ("linux", "Linux", "posix", "aarch64", "")),
        ("macos", "macos", ("darwin", "Darwin", "posix", "arm64", "23.0.0")),
        ("macos-x86_64", "macos", ("darwin", "Darwin", "posix", "x86_64", "23.0.0")),
        ("macosx_10_15_x86_64", "macos", ("darwin", "Darwin", "posix", "x86_64", "19.0.0")),
        ("macosx-12.0-universal2", "macos", ("darwin", "Darwin", "posix", "arm64", "21.0.0")),
        ("win32", "windows", ("win32", "Windows", "nt", "x86", "10")),
        ("win_arm64", "windows", ("win32", "Windows", "nt", "ARM64", "10")),
        ("something", "other", ("", "", "", "", "")),
    ],
)
def test_marker_environment_platforms(key: str, os_name: str, fields: tuple[str, ...]) -> None:
    env = marker_environment(key, os_name, (3, 9))
    keys = ("sys_platform", "platform_system", "os_name", "platform_machine", "platform_release")
    assert tuple(env[k] for k in keys) == fields
    assert (env["python_version"], env["python_full_version"]) == ("3.9", "3.9.0")


def test_every_preset_means_the_same_as_its_first_platform_tag() -> None:
    for key, platform in PRESETS.items():
        for python in ((3, 9), (3, 13)):
            by_key = marker_environment(key, platform.os, python)
            assert by_key == marker_environment(platform.platforms[0], platform.os, python), key


# --- scale and robustness ------------------------------------------------------------------------


def test_two_hundred_entries_with_includes(work: Path) -> None:
    lines = [f"-r part{n}.txt" for n in range(4)]
    write(work / "main.txt", "\n".join(lines) + "\n")
    for part in range(4):
        body = "".join(
            f"pkg-{part}-{n}>={n}.0 ; sys_platform != 'win32'  # entry {n}\n"
            if n % 2
            else f"pkg-{part}-{n}=={n}.0 \\\n    --hash=sha256:{n:064x}\n"
            for n in range(50)
        )
        write(work / f"part{part}.txt", "-c pins.txt\n" + body)
    write(work / "pins.txt", "pkg-0-0<1\n")
    start = time.perf_counter()
    parsed = read_requirement_files(["main.txt"], environ={})
    elapsed = time.perf_counter() - start
    assert len(parsed.files) == 6
    assert len(parsed.entries) == 200 + 4
    assert parsed.problems == ()
    assert len(projects_for(parsed, LINUX_312)) == 200
    assert len(projects_for(parsed, WINDOWS_312)) == 100
    assert elapsed < 0.5, f"{elapsed:.3f}s: a sanity bound, not a benchmark"


_FRAGMENTS = st.sampled_from(
    [
        "-r ",
        "-c ",
        "-e ",
        "--hash=",
        "--index-url ",
        "-i",
        " \\",
        " #",
        "${X}",
        "; ",
        "@ ",
        "https://",
        "file:",
        "./",
        "==",
        "[",
        "]",
        "'",
        '"',
        "requests",
        "self.txt",
        "pylock.toml",
        "\x00",
    ]
)
_LINES = st.lists(
    st.one_of(st.text(max_size=40), st.lists(_FRAGMENTS, max_size=6).map("".join)), max_size=12
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=_LINES, raw=st.binary(max_size=60))
def test_random_lines_never_raise(lines: list[str], raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as directory:
        text_file = os.path.join(directory, "self.txt")
        with open(text_file, "w", encoding="utf-8", errors="surrogatepass") as handle:
            handle.write("\n".join(lines))
        binary_file = os.path.join(directory, "raw.txt")
        with open(binary_file, "wb") as handle:
            handle.write(raw)
        parsed = read_requirement_files([text_file, binary_file], environ={"X": "y"})
        for environment in (LINUX_312, WINDOWS_312):
            projects_for(parsed, environment)
        assert all(isinstance(p, str) for p in parsed.problems)


def test_a_toml_integer_too_long_to_read_is_a_problem(work: Path) -> None:
    # tomllib lets int()'s 4300-digit limit through as a plain ValueError.
    write(work / "pylock.toml", "lock-version = " + "1" * 4301 + "\n")
    parsed = read_requirement_files(["pylock.toml"], environ={})
    assert parsed.problems == ("pylock.toml: not valid TOML (an integer is too long to read)",)


def test_a_project_pip_installs_from_a_link_is_not_looked_up_in_the_index(work: Path) -> None:
    """pip installs x from the wheel, the sdist or the repository and never asks the index for
    it: a plain `x` beside the link must not be reported missing from the index."""
    write(
        work / "r.txt",
        "./wheels/Demo_Core-1.0-py3-none-any.whl\n"
        "demo-core>=1\n"
        "git+https://example.org/tool.git@v2#egg=Tool\n"  # pip 26.3 refuses #egg=Tool[cli]
        "tool\n"
        "https://example.org/dist/sdist_pkg-2.0.tar.gz\n"
        "sdist-pkg\n"
        "-e ./src#egg=mine\n"
        "mine\n"
        "./somewhere\n"
        "requests\n",
    )
    parsed = read_requirement_files(["r.txt"], environ={})
    assert [e.link_project for e in parsed.entries if e.requirement is None] == [
        "demo-core",
        "tool",
        "sdist-pkg",
        "mine",
        None,
    ]
    assert names(projects_for(parsed, LINUX_312)) == ["requests"]


_FORMAT_VALUES = st.lists(
    st.sampled_from([":all:", ":none:", "demo", "Demo_Pkg", "other", "demo,other"]),
    min_size=1,
    max_size=3,
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["--no-binary", "--only-binary"]), _FORMAT_VALUES),
        max_size=5,
    )
)
def test_format_control_is_pips(lines: list[tuple[str, list[str]]]) -> None:
    """The same options, given to pip's own FormatControl, allow the same formats."""
    from pip._internal.models.format_control import FormatControl as PipFormatControl

    pip = PipFormatControl(set(), set())
    ours_lines = []
    for option, values in lines:
        for value in values:
            target, other = (
                (pip.no_binary, pip.only_binary)
                if option == "--no-binary"
                else (pip.only_binary, pip.no_binary)
            )
            PipFormatControl.handle_mutual_excludes(value, target, other)
            ours_lines.append(OptionLine(option, value, Origin("r.txt")))
    ours = FormatControl.of(ours_lines)
    for project in ("demo", "demo-pkg", "other", "unrelated"):
        assert ours.allowed(project) == pip.get_allowed_formats(project), (project, lines)


def test_a_marker_right_after_a_pep508_url_is_read_as_pip_reads_it(work: Path) -> None:
    write(work / "r.txt", 'x @ https://h.example/x-1.0-py3-none-any.whl;python_version<"3.12"\n')
    parsed = read_requirement_files(["r.txt"], environ={})
    assert parsed.problems == ()
    (entry,) = parsed.entries
    assert entry.requirement is not None
    assert entry.requirement.url == "https://h.example/x-1.0-py3-none-any.whl"
    assert str(entry.marker) == 'python_version < "3.12"'
    assert not entry.applies(LINUX_312)


LIMITED_LOCK = """\
lock-version = "1.0"
created-by = "test"
requires-python = ">=3.12"
environments = ["sys_platform == 'linux'", "sys_platform == 'darwin'"]
default-groups = ["dev"]

[[packages]]
name = "everywhere"
version = "1.0"
[[packages.wheels]]
name = "everywhere-1.0-py3-none-any.whl"
url = "https://files.example/everywhere-1.0-py3-none-any.whl"
hashes = {sha256 = "aa"}

[[packages]]
name = "newer-python"
version = "2.0"
requires-python = ">=3.13"
[[packages.wheels]]
name = "newer_python-2.0-py3-none-any.whl"
url = "https://files.example/newer_python-2.0-py3-none-any.whl"
hashes = {sha256 = "bb"}

[[packages]]
name = "dev-tool"
version = "3.0"
marker = "'dev' in dependency_groups"
[[packages.wheels]]
name = "dev_tool-3.0-py3-none-any.whl"
url = "https://files.example/dev_tool-3.0-py3-none-any.whl"
hashes = {sha256 = "cc"}
"""


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        (LINUX_312, ["everywhere", "dev-tool"]),
        (marker_environment("linux", "linux", (3, 13)), ["everywhere", "newer-python", "dev-tool"]),
        (MACOS_312, ["everywhere", "dev-tool"]),
        (WINDOWS_312, []),  # no environment of the lock matches
        (marker_environment("linux", "linux", (3, 11)), []),  # the lock's requires-python
    ],
)
def test_a_lock_bounds_the_targets_it_is_judged_for(
    work: Path, environment: dict[str, str], expected: list[str]
) -> None:
    """PEP 751: requires-python and environments refuse the lock; a package's requires-python
    and marker skip it; default-groups count though the lock does not list them again."""
    write(work / "pylock.toml", LIMITED_LOCK)
    parsed = read_requirement_files(["pylock.toml"], environ={})
    assert parsed.problems == ()
    assert names(projects_for(parsed, environment)) == expected


@pytest.mark.parametrize(
    "environment",
    [
        LINUX_312,
        marker_environment("linux", "linux", (3, 13)),
        MACOS_312,
        WINDOWS_312,
        marker_environment("linux", "linux", (3, 11)),
    ],
)
def test_the_lock_limits_agree_with_packaging_pylock_select(
    work: Path, environment: dict[str, str]
) -> None:
    """packaging's own installer logic (Pylock.select), with every group asked for, picks the
    same packages (or refuses the lock) for each target. (Without newer-python: for a package
    whose requires-python a target misses, select refuses the whole lock, PEP 751's "MUST
    raise"; asdiag leaves that package unjudged there, never reports it missing.)"""
    import tomllib

    from packaging.pylock import Pylock, PylockSelectError
    from packaging.tags import Tag

    start = LIMITED_LOCK.index('[[packages]]\nname = "newer-python"')
    end = LIMITED_LOCK.index("[[packages]]", start + 1)
    text = LIMITED_LOCK[:start] + LIMITED_LOCK[end:]
    write(work / "pylock.toml", text)
    lock = Pylock.from_dict(tomllib.loads(text))
    python = environment["python_version"]
    selected_env = {**environment, "python_full_version": f"{python}.99"}
    try:
        chosen = [
            str(package.name)
            for package, _ in lock.select(
                environment=selected_env,  # type: ignore[arg-type]
                tags=[Tag("py3", "none", "any")],
                dependency_groups=["dev"],
            )
        ]
    except PylockSelectError:
        chosen = []
    parsed = read_requirement_files(["pylock.toml"], environ={})
    assert sorted(names(projects_for(parsed, environment))) == sorted(chosen)


_INDEX_OPTIONS = st.lists(
    st.one_of(
        st.builds(lambda n: f"--index-url https://i{n}.example/simple", st.integers(0, 3)),
        st.builds(lambda n: f"--extra-index-url https://x{n}.example/simple", st.integers(0, 3)),
        st.builds(lambda n: f"--find-links https://f{n}.example/links", st.integers(0, 2)),
        st.just("--no-index"),
        st.just("requests"),
    ),
    max_size=7,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lines=_INDEX_OPTIONS)
def test_index_options_resolve_as_pips_finder_resolves_them(work: Path, lines: list[str]) -> None:
    """pip's own parse_requirements, with a real PackageFinder, against asdiag's reading:
    a later --index-url replaces what came before, --no-index drops them all."""
    from pip._internal.index.collector import LinkCollector
    from pip._internal.index.package_finder import PackageFinder
    from pip._internal.models.search_scope import SearchScope
    from pip._internal.models.selection_prefs import SelectionPreferences
    from pip._internal.network.session import PipSession
    from pip._internal.req.req_file import parse_requirements

    path = work / "r.txt"
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    with PipSession() as session:
        finder = PackageFinder.create(
            link_collector=LinkCollector(session, SearchScope.create([], [], False)),
            selection_prefs=SelectionPreferences(allow_yanked=True),
        )
        list(parse_requirements(str(path), session, finder=finder))
    parsed = read_requirement_files([str(path)], environ={})
    effective = parsed.effective_index_lines
    assert [x.url for x in effective if x.option != "--find-links"] == finder.index_urls
    assert [x.url for x in effective if x.option == "--find-links"] == finder.find_links


def test_an_optional_dependency_marker_sees_its_own_extra(work: Path) -> None:
    """`pip install .[socks]` installs what [project.optional-dependencies] socks lists, its
    markers evaluated with extra == "socks" (they were evaluated with no extra: never checked)."""
    write(
        work / "pyproject.toml",
        "[project]\n"
        'name = "demo"\n'
        "dependencies = []\n"
        "[project.optional-dependencies]\n"
        "socks = [\"pysocks; extra == 'socks'\", \"other; extra == 'else'\"]\n",
    )
    parsed = read_requirement_files(["pyproject.toml"], environ={})
    assert names(projects_for(parsed, LINUX_312)) == ["pysocks"]


def test_format_options_on_any_line_apply_in_command_line_order(work: Path) -> None:
    """pip's line parser changes the finder's FormatControl in place, on a requirement line too,
    in the order the options are written (found by tests/test_requirements_differential.py)."""
    (work / "r.txt").write_text(
        "requests --only-binary :all:\n--only-binary :all: --no-binary requests\n",
        encoding="utf-8",
    )
    parsed = read_requirement_files(["r.txt"], environ={})
    assert parsed.formats.no_binary == {"requests"}
    assert parsed.formats.only_binary == {":all:"}
    assert not any("ignored" in problem for problem in parsed.problems)


def test_pip_refusals_found_by_the_differential_test(work: Path) -> None:
    """An archive URL as an editable, an egg fragment that is not a name (a marker without the
    space pip needs), and only the first --find-links of a line."""
    cases = {
        "-e https://example.com/x-1.0-py3-none-any.whl": "pip refuses it",
        'git+https://github.com/o/r.git@v1#egg=r;python_version < "3.12"': "pip refuses the file",
        "-e git+https://github.com/o/r.git#egg=r[x]": "pip refuses the file",
    }
    for line, refusal in cases.items():
        (work / "r.txt").write_text(f"{line}\n", encoding="utf-8")
        parsed = read_requirement_files(["r.txt"], environ={})
        assert not parsed.entries, line
        assert any(refusal in problem for problem in parsed.problems), line
    (work / "r.txt").write_text("-f https://a.example/ -f https://b.example/\n", encoding="utf-8")
    parsed = read_requirement_files(["r.txt"], environ={})
    assert [line.url for line in parsed.effective_index_lines] == ["https://a.example/"]
    assert any("only the first" in problem for problem in parsed.problems)


def test_an_empty_marker_after_a_semicolon_is_no_marker(work: Path) -> None:
    """pip's parse_req_from_line splits at ";" and reads an empty marker as none."""
    write(work / "r.txt", "x==1.0;\ny>=2 ;\n")
    parsed = read_requirement_files(["r.txt"], environ={})
    assert parsed.problems == ()
    assert [(str(e.requirement), e.marker) for e in parsed.entries] == [
        ("x==1.0", None),
        ("y>=2", None),
    ]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.just(("--pre", "")),
            st.tuples(
                st.sampled_from(["--all-releases", "--only-final"]), _FORMAT_VALUES.map(",".join)
            ),
        ),
        max_size=5,
    )
)
def test_release_control_is_pips(lines: list[tuple[str, str]]) -> None:
    """The same options, given to pip 26.3's own ReleaseControl the way its requirements-file
    reader gives them, allow the same pre-releases."""
    from pip._internal.models.release_control import ReleaseControl as PipReleaseControl

    pip = PipReleaseControl()
    for option, value in lines:
        if option == "--pre":
            pip.all_releases.add(":all:")
        elif option == "--all-releases":
            pip.handle_mutual_excludes(value, pip.all_releases, pip.only_final, "all_releases")
        else:
            pip.handle_mutual_excludes(value, pip.only_final, pip.all_releases, "only_final")
    ours = ReleaseControl.of(OptionLine(o, v, Origin("r.txt")) for o, v in lines)
    for project in ("demo", "demo-pkg", "other", "unrelated"):
        assert ours.allows_prereleases(project) == pip.allows_prereleases(project), (project, lines)
