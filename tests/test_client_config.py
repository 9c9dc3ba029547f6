"""Tests for asdiag.client_config: what pip and uv would use, read without running them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from asdiag.client_config import (
    ClientConfig,
    IndexEntry,
    Origin,
    has_credentials,
    password_of,
    read_client_config,
    unencoded_password_chars,
)

SECRET = "Sup3rSecretPw"


class Machine:
    """A fake machine under tmp_path: home, XDG dirs, /etc, a Python prefix, a project dir."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = root / "home"
        self.etc = root / "etc"
        self.prefix = root / "prefix"
        self.project = root / "work" / "project"
        for directory in (self.home, self.etc, self.prefix, self.project):
            directory.mkdir(parents=True, exist_ok=True)
        self.env: dict[str, str] = {
            "HOME": str(self.home),
            "XDG_CONFIG_HOME": str(self.home / ".config"),
            "XDG_CONFIG_DIRS": str(root / "xdg-a") + os.pathsep + str(root / "xdg-b"),
        }

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    def read(self, **extra_env: str) -> ClientConfig:
        return read_client_config(
            {**self.env, **extra_env},
            cwd=self.project,
            prefix=str(self.prefix),
            etc=str(self.etc),
        )


@pytest.fixture
def machine(tmp_path: Path) -> Machine:
    return Machine(tmp_path / "m")


def urls(entries: tuple[IndexEntry, ...]) -> list[str]:
    return [entry.url for entry in entries]


def index_url(config: ClientConfig) -> str | None:
    return config.pip_index.url if config.pip_index else None


# ---------------------------------------------------------------------------------------------
# pip: files, order, sections, environment
# ---------------------------------------------------------------------------------------------

LAYERS = {
    "xdg-a": "xdg-a/pip/pip.conf",
    "xdg-b": "xdg-b/pip/pip.conf",
    "etc": "etc/pip.conf",
    "legacy": "home/.pip/pip.conf",
    "user": "home/.config/pip/pip.conf",
    "site": "prefix/pip.conf",
    "env-file": "env/pip.conf",
}


def layered(machine: Machine) -> Machine:
    for name, relative in LAYERS.items():
        machine.write(relative, f"[global]\nindex-url = https://{name}.test/simple\n")
    return machine


def test_pip_reads_files_in_pips_order_and_the_last_wins(machine: Machine) -> None:
    layered(machine)
    config = machine.read(PIP_CONFIG_FILE=str(machine.root / "env/pip.conf"))
    # global (XDG dirs, then /etc) < site < PIP_CONFIG_FILE; user files are skipped because
    # PIP_CONFIG_FILE names an existing file (Configuration.iter_config_files).
    assert config.pip_files == tuple(
        str(machine.root / LAYERS[name]) for name in ("xdg-a", "xdg-b", "etc", "site", "env-file")
    )
    assert index_url(config) == "https://env-file.test/simple"
    assert config.pip_index is not None
    assert config.pip_index.origin == Origin(path=str(machine.root / "env/pip.conf"), line=2)


@pytest.mark.parametrize(
    ("removed", "winner"),
    [
        ((), "site"),
        (("site",), "user"),
        (("site", "user"), "legacy"),
        (("site", "user", "legacy"), "etc"),
        (("site", "user", "legacy", "etc"), "xdg-b"),
        (("site", "user", "legacy", "etc", "xdg-b"), "xdg-a"),
    ],
)
def test_pip_precedence_global_user_site(
    machine: Machine, removed: tuple[str, ...], winner: str
) -> None:
    layered(machine)
    for name in removed:
        (machine.root / LAYERS[name]).unlink()
    config = machine.read(PIP_CONFIG_FILE=str(machine.root / "missing.conf"))
    assert index_url(config) == f"https://{winner}.test/simple"


def test_pip_environment_variable_beats_every_file(machine: Machine) -> None:
    layered(machine)
    config = machine.read(
        PIP_CONFIG_FILE=str(machine.root / "env/pip.conf"),
        PIP_INDEX_URL="https://variable.test/simple",
    )
    assert config.pip_index == IndexEntry(
        "pip", "index", "https://variable.test/simple", Origin(variable="PIP_INDEX_URL")
    )
    # Every value is still listed, in load order, the variable last.
    assert urls(config.entries)[-1] == "https://variable.test/simple"
    assert len(config.entries) == 6


def test_pip_config_file_devnull_disables_files_not_variables(machine: Machine) -> None:
    layered(machine)
    config = machine.read(PIP_CONFIG_FILE=os.devnull)
    assert config.pip_files == ()
    assert config.pip_index is None
    config = machine.read(PIP_CONFIG_FILE=os.devnull, PIP_INDEX_URL="https://v.test/simple")
    assert index_url(config) == "https://v.test/simple"


def test_pip_install_section_beats_global_whatever_the_file(machine: Machine) -> None:
    # [install] in the lowest file still beats [global] in the highest: pip pools by section
    # first (ConfigOptionParser._get_ordered_configuration_items).
    machine.write("etc/pip.conf", "[install]\nindex-url = https://install.test/simple\n")
    machine.write("prefix/pip.conf", "[global]\nindex-url = https://global.test/simple\n")
    config = machine.read()
    assert index_url(config) == "https://install.test/simple"
    assert config.pip_index is not None
    assert config.pip_index.origin.describe() == f"{machine.etc / 'pip.conf'}:2"


def test_pip_ignores_other_command_sections_for_install_but_lists_them(machine: Machine) -> None:
    machine.write("etc/pip.conf", "[download]\nindex-url = https://download.test/simple\n")
    config = machine.read()
    assert config.pip_index is None
    assert urls(config.entries) == ["https://download.test/simple"]


def test_pip_multivalued_extra_index_url_with_lines(machine: Machine) -> None:
    path = machine.write(
        "home/.config/pip/pip.conf",
        "# comment\n"
        "[global]\n"
        "index_url = https://idx.test/simple\n"
        "extra-index-url =\n"
        "    https://one.test/simple\n"
        "    https://two.test/simple https://three.test/simple\n"
        "find-links = https://links.test/\n",
    )
    config = machine.read()
    assert config.pip_index == IndexEntry(
        "pip", "index", "https://idx.test/simple", Origin(str(path), 3)
    )
    assert [(e.role, e.url, e.origin.line) for e in config.pip_extras] == [
        ("extra", "https://one.test/simple", 5),
        ("extra", "https://two.test/simple", 6),
        ("extra", "https://three.test/simple", 6),
        ("find-links", "https://links.test/", 7),
    ]


def test_pip_extra_index_url_variable_replaces_the_files_list(machine: Machine) -> None:
    machine.write("etc/pip.conf", "[global]\nextra-index-url = https://file.test/simple\n")
    config = machine.read(PIP_EXTRA_INDEX_URL="https://a.test/simple  https://b.test/simple")
    assert urls(config.pip_extras) == ["https://a.test/simple", "https://b.test/simple"]
    assert {e.origin.variable for e in config.pip_extras} == {"PIP_EXTRA_INDEX_URL"}
    assert "https://file.test/simple" in urls(config.entries)


def test_pip_empty_value_in_a_later_file_unsets_an_earlier_one(machine: Machine) -> None:
    machine.write("etc/pip.conf", "[global]\nindex-url = https://etc.test/simple\n")
    machine.write("prefix/pip.conf", "[global]\nindex-url =\n")
    assert machine.read().pip_index is None
    # ...but an empty variable does not (it only shadows other variables).
    machine.write("prefix/pip.conf", "[global]\n")
    assert index_url(machine.read(PIP_INDEX_URL="")) == "https://etc.test/simple"


def test_pip_values_and_their_quirks(machine: Machine) -> None:
    machine.write(
        "etc/pip.conf",
        "[global]\nno-cache-dir = false\nkeyring-provider = import\ncert = /ca.pem\n"
        "no-input = yes\n",
    )
    config = machine.read(PIP_NO_INPUT="0")
    no_cache = config.value("no-cache-dir")
    assert no_cache is not None
    assert (no_cache.value, no_cache.enabled, no_cache.origin.line) == ("false", True, 2)
    provider = config.value("keyring-provider")
    assert provider is not None
    assert provider.value == "import"
    cert = config.value("cert")
    assert cert is not None
    assert cert.value == "/ca.pem"
    no_input = config.value("no-input")
    assert no_input is not None
    assert (no_input.value, no_input.enabled, no_input.origin.variable) == (
        "0",
        False,
        "PIP_NO_INPUT",
    )
    assert config.value("no-cache") is None


def test_pip_invalid_values_are_notes(machine: Machine) -> None:
    config = machine.read(PIP_NO_CACHE_DIR="maybe", PIP_KEYRING_PROVIDER="magic")
    assert config.value("no-cache-dir") is None
    assert config.value("keyring-provider") is None
    assert len(config.notes) == 2
    assert "PIP_NO_CACHE_DIR" in config.notes[0]
    assert "pip refuses to run" in config.notes[0]


def test_pip_default_section_and_pypi_url_alias(machine: Machine) -> None:
    machine.write("etc/pip.conf", "[DEFAULT]\npypi-url = https://alias.test/simple\n[global]\n")
    config = machine.read()
    assert index_url(config) == "https://alias.test/simple"
    assert config.pip_index is not None
    assert config.pip_index.origin.line == 2


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (f"index-url = https://org:{SECRET}@h.test/simple\n", "before any [section]"),
        (f"[global]\nindex-url = https://org:{SECRET}@a\nindex_url = x\n", "appears twice"),
        ("[global]\n  \n[global]\n", "appears twice"),
    ],
)
def test_pip_unparseable_file_is_a_note_without_its_content(
    machine: Machine, content: str, why: str
) -> None:
    machine.write("etc/pip.conf", content)
    config = machine.read()
    assert config.pip_files == ()
    assert len(config.notes) == 1
    assert why in config.notes[0]
    assert "pip refuses to run" in config.notes[0]
    assert SECRET not in repr(config)


def test_pip_undecodable_and_unreadable_files_are_notes(machine: Machine) -> None:
    machine.write("etc/pip.conf", "")
    (machine.etc / "pip.conf").write_bytes(b"[global]\nindex-url = \xff\xfe\xfa\n")
    (machine.prefix / "pip.conf").mkdir()  # exists, cannot be opened: pip skips it
    config = machine.read()
    assert config.pip_files == ()
    assert [note.split(":")[0] for note in config.notes] == [
        f"pip config {machine.etc / 'pip.conf'}",
        f"pip config {machine.prefix / 'pip.conf'}",
    ]


# The probe runs pip's own option parser for `pip install` (no install, no network).
_PIP_PROBE = """
import json, os, sys
from pip._internal.commands import create_command
site = os.path.join(sys.prefix, "pip.conf")
results = []
for env, site_text in json.load(sys.stdin):
    if site_text is None:
        if os.path.exists(site):
            os.unlink(site)
    else:
        with open(site, "w") as stream:
            stream.write(site_text)
    os.environ.clear()
    os.environ.update(env)
    opts, _ = create_command("install").parse_args([])
    results.append([opts.index_url, opts.extra_index_urls, opts.find_links,
                    opts.cache_dir is False, opts.keyring_provider])
print(json.dumps(results))
"""


def test_matches_real_pip(tmp_path: Path) -> None:
    """The same layouts, read by pip 26.3's own parser in a subprocess, give the same answer."""
    pip_site = next(p for p in sys.path if (Path(p) / "pip" / "__init__.py").exists())
    prefix = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(prefix)
    python = prefix / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")

    layouts: list[tuple[dict[str, str], dict[str, str]]] = [
        ({}, {}),
        ({"user": "[global]\nindex-url = https://user.test/simple\n"}, {}),
        (
            {
                "xdg": "[install]\nindex-url = https://xdg-install.test/simple\n",
                "user": "[global]\nindex-url = https://user.test/simple\n",
                "site": "[global]\nextra-index-url = https://x.test/ https://y.test/\n",
            },
            {},
        ),
        (
            {
                "legacy": "[global]\nindex-url = https://legacy.test/simple\n",
                "user": "[global]\nindex-url = https://skipped.test/simple\n",
                "xdg": "[global]\nfind-links = https://fl.test/\nno-cache-dir = false\n",
                "site": "[global]\nindex-url = https://site.test/simple\n",
                "env": "[install]\nextra-index-url = https://env.test/\n",
            },
            {"PIP_KEYRING_PROVIDER": "subprocess"},
        ),
        (
            {
                "user": "[global]\nindex-url = https://user.test/simple\n",
                "env": "[global]\nindex-url = https://envfile.test/simple\n",
            },
            {"PIP_EXTRA_INDEX_URL": "https://e1.test/ https://e2.test/"},
        ),
        (
            {"user": "[global]\nindex-url = https://user.test/simple\n", "site": "[global]\n"},
            {"PIP_CONFIG_FILE": os.devnull, "PIP_INDEX_URL": "https://var.test/simple"},
        ),
        ({"site": "[global]\nindex-url = https://site.test/simple\n", "user": ""}, {}),
        (
            {"legacy": "[install]\nfind-links = https://a.test/\n  https://b.test/\n"},
            {"PIP_NO_CACHE_DIR": "off", "PIP_FIND_LINKS": ""},
        ),
        (
            {
                "user": "[global]\nindex-url = https://user.test/simple\n",
                "site": "[global]\nindex-url =\n",
            },
            {},
        ),
    ]
    probes: list[tuple[dict[str, str], str | None]] = []
    ours = []
    for number, (files, variables) in enumerate(layouts):
        root = tmp_path / f"layout{number}"
        home = root / "home"
        places = {
            "xdg": root / "xdg" / "pip" / "pip.conf",
            "legacy": home / ".pip" / "pip.conf",
            "user": home / ".config" / "pip" / "pip.conf",
            "site": prefix / "pip.conf",
            "env": root / "env.conf",
        }
        for path in places.values():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.unlink(missing_ok=True)
        env = {
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_CONFIG_DIRS": str(root / "xdg"),
            "PIP_CONFIG_FILE": str(places["env"]),
            "PYTHONPATH": pip_site,
            **variables,
        }
        for name, text in files.items():
            places[name].write_text(text)
        config = read_client_config(env, cwd=root, prefix=str(prefix))  # the real /etc too
        no_cache = config.value("no-cache-dir")
        provider = config.value("keyring-provider")
        ours.append(
            [
                index_url(config) or "https://pypi.org/simple",
                urls(tuple(e for e in config.pip_extras if e.role == "extra")),
                urls(tuple(e for e in config.pip_extras if e.role == "find-links")),
                bool(no_cache and no_cache.enabled),
                provider.value if provider else "auto",
            ]
        )
        probes.append((env, files.get("site")))  # the site file is shared: the probe rewrites it

    result = subprocess.run(
        [str(python), "-c", _PIP_PROBE],
        input=json.dumps(probes),
        capture_output=True,
        text=True,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": pip_site},
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ours


# ---------------------------------------------------------------------------------------------
# uv
# ---------------------------------------------------------------------------------------------


def test_uv_project_beats_user_beats_system_and_arrays_concatenate(machine: Machine) -> None:
    system = machine.write(
        "xdg-b/uv/uv.toml",
        'index-url = "https://system.test/simple"\nextra-index-url = ["https://sx.test/"]\n',
    )
    user = machine.write(
        "home/.config/uv/uv.toml",
        'index-url = "https://user.test/simple"\nextra-index-url = ["https://ux.test/"]\n'
        "no-cache = true\n",
    )
    project = machine.write(
        "work/project/uv.toml",
        'extra-index-url = ["https://px.test/"]\nfind-links = ["https://pf.test/"]\n',
    )
    config = machine.read()
    assert config.uv_files == (str(system), str(user), str(project))
    assert config.uv_index == IndexEntry(
        "uv", "index", "https://user.test/simple", Origin(str(user), 1)
    )
    assert [(e.role, e.url) for e in config.uv_extras] == [
        ("extra", "https://px.test/"),
        ("extra", "https://ux.test/"),
        ("extra", "https://sx.test/"),
        ("find-links", "https://pf.test/"),
    ]
    no_cache = config.value("no-cache", "uv")
    assert no_cache is not None
    assert (no_cache.enabled, no_cache.origin) == (True, Origin(str(user), 3))


def test_uv_environment_beats_files(machine: Machine) -> None:
    machine.write("home/.config/uv/uv.toml", 'index-url = "https://user.test/simple"\n')
    config = machine.read(
        UV_INDEX_URL="https://env-url.test/simple",
        UV_INDEX="https://i1.test/ corp=https://i2.test/?a=b",
        UV_EXTRA_INDEX_URL="https://x.test/",
        UV_FIND_LINKS="https://f1.test/, https://f2.test/",
        UV_NO_CACHE="1",
    )
    assert config.uv_index is not None
    assert (config.uv_index.url, config.uv_index.origin.variable) == (
        "https://env-url.test/simple",
        "UV_INDEX_URL",
    )
    assert [(e.url, e.name, e.origin.variable) for e in config.uv_extras] == [
        ("https://i1.test/", None, "UV_INDEX"),
        ("https://i2.test/?a=b", "corp", "UV_INDEX"),
        ("https://x.test/", None, "UV_EXTRA_INDEX_URL"),
        ("https://f1.test/", None, "UV_FIND_LINKS"),
        ("https://f2.test/", None, "UV_FIND_LINKS"),
    ]
    no_cache = config.value("no-cache", "uv")
    assert no_cache is not None
    assert no_cache.origin.variable == "UV_NO_CACHE"
    # UV_DEFAULT_INDEX comes before UV_INDEX_URL in uv's chain.
    config = machine.read(
        UV_INDEX_URL="https://env-url.test/simple", UV_DEFAULT_INDEX="https://d.test/simple"
    )
    assert config.uv_index is not None
    assert config.uv_index.url == "https://d.test/simple"


def test_uv_index_tables_default_explicit_flat_and_names(machine: Machine) -> None:
    machine.write(
        "work/project/pyproject.toml",
        "[project]\nname = 'x'\n\n"
        "[[tool.uv.index]]\nname = 'torch'\nurl = 'https://torch.test/simple'\nexplicit = true\n\n"
        "[[tool.uv.index]]\nname = 'corp'\nurl = 'https://corp.test/simple'\ndefault = true\n\n"
        "[[tool.uv.index]]\nurl = 'https://flat.test/'\nformat = 'flat'\n",
    )
    user = machine.write(
        "home/.config/uv/uv.toml",
        '[[index]]\nname = "corp"\nurl = "https://shadowed.test/simple"\n\n'
        '[[index]]\nurl = "https://user-default.test/simple"\ndefault = true\n',
    )
    config = machine.read()
    assert config.uv_index is not None
    assert (config.uv_index.url, config.uv_index.name, config.uv_index.origin.line) == (
        "https://corp.test/simple",
        "corp",
        11,
    )
    # explicit indexes serve only pinned packages; a repeated name keeps its first index.
    assert [(e.role, e.url) for e in config.uv_extras] == [("find-links", "https://flat.test/")]
    assert [e.explicit for e in config.entries] == [True, False, False, False, False]
    assert config.entries[3].origin == Origin(str(user), 3)


def test_uv_index_url_in_project_loses_to_a_default_index_table_elsewhere(
    machine: Machine,
) -> None:
    # uv chains every [[index]] before any index-url, so a default [[index]] in the user file
    # beats the project's index-url (crates/uv/src/settings.rs, IndexLocations::new).
    machine.write("work/project/uv.toml", 'index-url = "https://project.test/simple"\n')
    machine.write(
        "home/.config/uv/uv.toml", '[[index]]\nurl = "https://u.test/simple"\ndefault = true\n'
    )
    config = machine.read()
    assert config.uv_index is not None
    assert config.uv_index.url == "https://u.test/simple"


def test_uv_toml_wins_over_pyproject_and_search_goes_up(machine: Machine) -> None:
    parent = machine.project.parent
    machine.write("work/pyproject.toml", '[tool.uv]\nindex-url = "https://pyproject.test/s"\n')
    machine.write("work/uv.toml", 'index-url = "https://uvtoml.test/s"\n')
    # The project's own pyproject has no [tool.uv]: uv keeps searching upwards.
    machine.write("work/project/pyproject.toml", "[project]\nname = 'x'\n")
    config = machine.read()
    assert config.uv_files == (str(parent / "uv.toml"),)
    assert config.uv_index is not None
    assert config.uv_index.url == "https://uvtoml.test/s"


def test_uv_invalid_pyproject_is_skipped_invalid_uv_toml_is_fatal(machine: Machine) -> None:
    machine.write("work/project/pyproject.toml", "[tool.uv\n")
    machine.write("work/uv.toml", 'index-url = "https://up.test/s"\n')
    config = machine.read()
    assert config.uv_index is not None
    assert config.uv_index.url == "https://up.test/s"
    assert "uv warns and ignores it" in config.notes[0]
    machine.write("work/uv.toml", "index-url = \n")
    config = machine.read()
    assert config.uv_index is None
    assert "uv refuses to run" in config.notes[-1]


def test_uv_config_file_replaces_discovery_and_no_config_disables_it(machine: Machine) -> None:
    machine.write("home/.config/uv/uv.toml", 'index-url = "https://user.test/s"\n')
    explicit = machine.write("elsewhere/uv.toml", 'index-url = "https://explicit.test/s"\n')
    config = machine.read(UV_CONFIG_FILE=str(explicit))
    assert config.uv_files == (str(explicit),)
    assert config.uv_index is not None
    assert config.uv_index.url == "https://explicit.test/s"
    config = machine.read(UV_NO_CONFIG="1", UV_INDEX_URL="https://env.test/s")
    assert config.uv_files == ()
    assert config.uv_index is not None
    assert config.uv_index.url == "https://env.test/s"


def test_uv_system_file_first_xdg_dir_then_etc(machine: Machine) -> None:
    etc_file = machine.write("etc/uv/uv.toml", 'index-url = "https://etc.test/s"\n')
    assert machine.read().uv_files == (str(etc_file),)
    second = machine.write("xdg-b/uv/uv.toml", 'index-url = "https://b.test/s"\n')
    assert machine.read().uv_files == (str(second),)
    first = machine.write("xdg-a/uv/uv.toml", 'index-url = "https://a.test/s"\n')
    assert machine.read().uv_files == (str(first),)


def test_uv_pip_section_is_listed_but_not_used_by_projects(machine: Machine) -> None:
    machine.write("home/.config/uv/uv.toml", '[pip]\nindex-url = "https://pip-only.test/s"\n')
    config = machine.read()
    assert config.uv_index is None
    assert urls(config.entries) == ["https://pip-only.test/s"]


def test_uv_wrong_types_are_notes(machine: Machine) -> None:
    machine.write("home/.config/uv/uv.toml", 'index-url = 3\nextra-index-url = "x"\nindex = 1\n')
    config = machine.read()
    assert config.uv_index is None
    assert len(config.notes) == 3


# ---------------------------------------------------------------------------------------------
# requirements files
# ---------------------------------------------------------------------------------------------


def test_requirements_options_includes_and_cycles(machine: Machine) -> None:
    reqs = machine.project / "requirements.txt"
    machine.write(
        "work/project/requirements.txt",
        "# top\n"
        "--index-url=https://idx.test/simple\n"
        "-i https://second.test/simple  # comment\n"
        "--extra https://ex.test/simple \\\n"
        "  --find-links ${LINKS}\n"
        "requests -i https://ignored.test/\n"
        "-r sub/more.txt -i https://dropped.test/\n",
    )
    more = machine.write(
        "work/project/sub/more.txt", "-f https://more.test/\n-c ../constraints.txt\n"
    )
    constraints = machine.write(
        "work/project/constraints.txt", "-r requirements.txt\n--extra-index-url https://c.test/\n"
    )
    config = read_client_config(
        {**machine.env, "LINKS": "https://links.test/"},
        requirements=["requirements.txt"],
        cwd=machine.project,
        etc=str(machine.etc),
    )
    assert [(e.tool, e.role, e.url, e.origin.describe()) for e in config.entries] == [
        ("requirements", "index", "https://idx.test/simple", f"{reqs}:2"),
        ("requirements", "index", "https://second.test/simple", f"{reqs}:3"),
        ("requirements", "extra", "https://ex.test/simple", f"{reqs}:4"),
        ("requirements", "find-links", "https://links.test/", f"{reqs}:4"),
        ("requirements", "find-links", "https://more.test/", f"{more}:1"),
        ("requirements", "extra", "https://c.test/", f"{constraints}:2"),
    ]
    assert len(config.notes) == 1
    assert "recursively references itself" in config.notes[0]
    # pip install -r: the last --index-url replaces pip's index and the extras before it.
    assert config.pip_index is not None and config.pip_index.url == "https://second.test/simple"
    assert [(e.role, e.url) for e in config.pip_extras] == [
        ("extra", "https://ex.test/simple"),
        ("find-links", "https://links.test/"),
        ("find-links", "https://more.test/"),
        ("extra", "https://c.test/"),
    ]


def test_an_index_url_in_requirements_drops_the_configured_extras(machine: Machine) -> None:
    """pip's handle_option_line: finder.index_urls (the configured index and extras) becomes
    [--index-url]; configured find-links stay."""
    machine.write(
        "home/.config/pip/pip.conf",
        "[global]\nindex-url = https://conf.test/simple\n"
        "extra-index-url = https://pypi.org/simple\nfind-links = https://flinks.test/\n",
    )
    machine.write("work/project/r.txt", "--index-url https://manager.test/simple\n")
    config = read_client_config(
        machine.env, requirements=["r.txt"], cwd=machine.project, etc=str(machine.etc)
    )
    assert config.pip_index is not None and config.pip_index.url == "https://manager.test/simple"
    assert [(e.role, e.url) for e in config.pip_extras] == [("find-links", "https://flinks.test/")]


def test_requirements_problems_are_notes(machine: Machine) -> None:
    machine.write("work/project/bad.txt", "--no-such-option x\n-r https://host.test/r.txt\n")
    config = read_client_config(
        machine.env,
        requirements=[machine.project / "missing.txt", "bad.txt"],
        cwd=machine.project,
        etc=str(machine.etc),
    )
    assert config.entries == ()
    assert [note.split(": ", 1)[0] for note in config.notes] == [
        f"requirements {machine.project / 'missing.txt'}",
        f"requirements {machine.project / 'bad.txt'}:1",
        f"requirements {machine.project / 'bad.txt'}:2",
    ]


def test_an_include_with_a_nul_byte_in_its_name_is_a_note(machine: Machine) -> None:
    machine.write("work/project/requirements.txt", "-r a\x00b.txt\n")
    config = read_client_config(
        machine.env, requirements=["requirements.txt"], cwd=machine.project, etc=str(machine.etc)
    )
    assert config.entries == ()
    assert len(config.notes) == 1
    assert "cannot be opened (invalid name)" in config.notes[0]


# ---------------------------------------------------------------------------------------------
# .netrc
# ---------------------------------------------------------------------------------------------


def test_netrc_missing(machine: Machine) -> None:
    netrc = machine.read().netrc
    assert (netrc.path, netrc.exists, netrc.mode, netrc.machines, netrc.error) == (
        str(machine.home / ".netrc"),
        False,
        None,
        (),
        None,
    )


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
@pytest.mark.parametrize("mode", [0o600, 0o644])
def test_netrc_mode_and_machines(machine: Machine, mode: int) -> None:
    path = machine.write(
        "home/.netrc",
        f"machine a.test login u password {SECRET}\n"
        f"machine b.test login v password {SECRET}\ndefault login w password {SECRET}\n",
    )
    path.chmod(mode)
    netrc = machine.read().netrc
    assert (netrc.exists, netrc.mode, netrc.machines) == (
        True,
        mode,
        ("a.test", "b.test", "default"),
    )


def test_netrc_variable_and_underscore_fallback(machine: Machine) -> None:
    underscore = machine.write("home/_netrc", "machine u.test login a password b\n")
    assert machine.read().netrc.path == str(underscore)
    other = machine.write("other/netrc", "machine o.test login a password b\n")
    netrc = machine.read(NETRC=str(other)).netrc
    assert (netrc.path, netrc.machines) == (str(other), ("o.test",))


def test_netrc_parse_error_does_not_quote_the_file(machine: Machine) -> None:
    machine.write("home/.netrc", f"machine a.test login u password {SECRET}\n{SECRET}x junk\n")
    netrc = machine.read().netrc
    assert netrc.exists
    assert netrc.error == "cannot be parsed (line 2)"
    assert SECRET not in repr(netrc)


# ---------------------------------------------------------------------------------------------
# Passwords in URLs
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "password", "unencoded"),
    [
        # pip and uv read a raw "@" or ":" right (the last "@", the first ":").
        ("https://org:p@ss@host/simple", "p@ss", ""),
        ("https://org:p#ss@host/simple", "p#ss", "#"),
        ("https://org:p/ss@host/simple", "p/ss", "/"),
        ("https://org:p?ss@host/simple", "p?ss", "?"),
        ("https://org:a:b@host/simple", "a:b", ""),
        ("https://org:a@b/c#d:e@host:8443/simple/", "a@b/c#d:e", "/#"),
        ("https://org:p%40ss%2F@host/simple", "p%40ss%2F", ""),
        ("https://org:secret@host/simple", "secret", ""),
        ("https://org:@host/simple", "", ""),
        ("https://token@host/simple", None, ""),
        ("https://host/simple", None, ""),
        ("https://host/pkg@1.0/simple", None, ""),
        ("https://host:8080/a@b/simple", None, ""),
        ("https://host/simple?mail=a@b", None, ""),
        ("/local/dir", None, ""),
        ("user:pw@host/simple", None, ""),
    ],
)
def test_password_helpers(url: str, password: str | None, unencoded: str) -> None:
    assert password_of(url) == password
    assert unencoded_password_chars(url) == unencoded


def test_has_credentials() -> None:
    assert has_credentials("https://token@host/simple")
    assert has_credentials("https://token:@host/simple")
    assert not has_credentials("https://host/pkg@1/simple")
    assert not has_credentials("https://@host/simple")


def test_origin_describe() -> None:
    assert Origin("/etc/pip.conf", 3).describe() == "/etc/pip.conf:3"
    assert Origin("/etc/pip.conf").describe() == "/etc/pip.conf"
    assert Origin(variable="PIP_INDEX_URL").describe() == "environment variable PIP_INDEX_URL"


# ---------------------------------------------------------------------------------------------
# Never a password in a repr, a str or a note
# ---------------------------------------------------------------------------------------------


def test_no_password_in_any_repr_or_note(machine: Machine) -> None:
    url = f"https://org:{SECRET}@host.test/simple"
    machine.write("etc/pip.conf", f"[global]\nindex-url = {url}\nextra-index-url = {url}\n")
    machine.write("prefix/pip.conf", f"[global]\nno-input = {SECRET}\n")
    machine.write("home/.config/uv/uv.toml", f'index-url = "{url}"\n[[index]]\nurl = "{url}"\n')
    machine.write("work/project/requirements.txt", f"-i {url}\n--bogus {SECRET}\n-r {url}\n")
    machine.write("home/.netrc", f"machine host.test login org password {SECRET}\n")
    config = read_client_config(
        {**machine.env, "PIP_EXTRA_INDEX_URL": url, "UV_INDEX": url, "UV_NO_CACHE": SECRET},
        requirements=["requirements.txt"],
        cwd=machine.project,
        prefix=str(machine.prefix),
        etc=str(machine.etc),
    )
    assert config.pip_index is not None
    assert config.pip_index.url == url  # kept as written, for the checks
    assert config.pip_index.shown_url == "https://org:****@host.test/simple"
    assert len(config.entries) == 7
    assert config.notes  # bad no-input, bad UV_NO_CACHE, bad option, URL include
    texts = [repr(config), str(config), *config.notes]
    texts += [repr(e) for e in config.entries] + [e.origin.describe() for e in config.entries]
    texts += [repr(v) for v in config.values] + [repr(config.netrc)]
    assert not [text for text in texts if SECRET in text]


def test_a_uv_toml_integer_too_long_to_read_is_a_note(machine: Machine) -> None:
    machine.write("home/.config/uv/uv.toml", "x = " + "1" * 4301 + "\n")
    config = machine.read()
    assert config.uv_files == ()
    assert any("invalid TOML (an integer is too long to read)" in note for note in config.notes)


def test_a_requirements_file_the_idna_codec_refuses_is_a_note(machine: Machine) -> None:
    # PEP 263 names idna; its decoder raises UnicodeError, not UnicodeDecodeError.
    path = machine.project / "requirements.txt"
    path.write_bytes(b"# coding: idna\n" + b"b" * 70 + b".xn--ab\n--index-url https://h/\n")
    config = read_client_config(
        machine.env, requirements=["requirements.txt"], cwd=machine.project, etc=str(machine.etc)
    )
    assert config.entries == ()
    assert [note.split(": ", 1)[1] for note in config.notes] == ["cannot be decoded"]


@pytest.mark.parametrize("password", ["p@ss", "a:b", "a@b:c", "p#ss", "p/ss", "p?ss", "plain"])
def test_password_unencoded_fires_exactly_where_pip_misreads_the_password(password: str) -> None:
    """pip's own split_auth_from_netloc: a raw "@" or ":" is read right, "/", "?" and "#" are
    not (they end the authority before the userinfo's "@")."""
    from urllib.parse import urlsplit

    from pip._internal.utils.misc import split_auth_from_netloc

    url = f"https://org:{password}@repository.example/simple/"
    _, (_, pip_password) = split_auth_from_netloc(urlsplit(url).netloc)
    assert bool(unencoded_password_chars(url)) is (pip_password != password)


def test_no_index_in_a_requirements_file_is_pips_no_index(machine: Machine) -> None:
    machine.write("work/project/r.txt", "--no-index\n--index-url https://pypi.org/simple\n")
    config = read_client_config(
        machine.env, requirements=["r.txt"], cwd=machine.project, etc=str(machine.etc)
    )
    no_index = config.value("no-index")
    assert no_index is not None and no_index.enabled
    assert no_index.origin.line == 1
