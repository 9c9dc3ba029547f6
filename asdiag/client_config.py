"""Read what pip and uv would use as their indexes, without running either of them.

The ``client`` check group needs to know which index pip and uv will ask, which extra indexes and
find-links they add, where each came from (file and line, or environment variable), and a few
settings that matter to a curated catalog (``no-cache-dir``, ``keyring-provider``, ``cert``,
``no-input``). This module only *reads*: it opens files and calls ``os.stat``, never the network,
never a subprocess. Findings are made elsewhere from the :class:`ClientConfig` it returns.

It is written by hand because no maintained library reads pip's configuration without importing
pip's private ``pip._internal`` (not an API, and pip is not a dependency of asdiag), and none reads
uv's. The rules follow pip 26.3's ``pip/_internal/configuration.py`` (``get_configuration_files``,
``Configuration.iter_config_files``, ``_load_config_files``, ``get_environ_vars``), its option
parser ``cli/parser.py`` (``ConfigOptionParser._get_ordered_configuration_items`` and
``_update_defaults``) and ``req/req_file.py``; and uv's documented behaviour (configuration files,
environment variables) as implemented in its ``uv-settings`` and ``uv-dirs`` crates.

Every file problem becomes a note: :func:`read_client_config` never raises for file content. URLs
are kept exactly as written (a password may be in them), so :class:`IndexEntry` keeps its ``url``
out of ``repr`` and offers :attr:`IndexEntry.shown_url`; notes are redacted before they are kept.
"""

from __future__ import annotations

import configparser
import locale
import netrc as _netrc
import os
import re
import sys
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from asdiag.redact import Redactor, redact_url
from asdiag.requirements_lines import (
    OptionError,
    decode_requirements,
    parse_line,
    requirement_lines,
)
from asdiag.urls import has_credentials, password_of, unencoded_password_chars, url_passwords

__all__ = [
    "ClientConfig",
    "ConfigValue",
    "IndexEntry",
    "NetrcFile",
    "Origin",
    "has_credentials",
    "password_of",
    "read_client_config",
    "unencoded_password_chars",
]

Tool = Literal["pip", "uv", "requirements"]
Role = Literal["index", "extra", "find-links"]


# pip: cli/cmdoptions.py declares these boolean spellings (utils/misc.py ``strtobool``); uv's
# ``parse_boolish_environment_variable`` accepts the same set, as clap's BoolishValueParser does.
_TRUE = frozenset({"y", "yes", "t", "true", "on", "1"})
_FALSE = frozenset({"n", "no", "f", "false", "off", "0"})


def _strtobool(value: str) -> bool | None:
    """pip's ``strtobool``: True, False, or None for a value pip rejects."""
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    return None


@dataclass(frozen=True)
class Origin:
    """Where a value was found: a file and line, or an environment variable."""

    #: The file, or None for an environment variable.
    path: str | None = None
    #: 1-based line in the file, when known.
    line: int | None = None
    #: ``PIP_INDEX_URL``, ``UV_INDEX``, ...
    variable: str | None = None

    def describe(self) -> str:
        """``/home/me/.config/pip/pip.conf:3`` or ``environment variable PIP_INDEX_URL``."""
        if self.path is None:
            return f"environment variable {self.variable}" if self.variable else "(unknown)"
        return f"{self.path}:{self.line}" if self.line is not None else self.path


@dataclass(frozen=True)
class IndexEntry:
    """One index, extra index or find-links location, as written in one place."""

    #: ``pip``, ``uv`` or ``requirements`` (a requirements file passed in).
    tool: Tool
    #: ``index`` (the primary index), ``extra`` (an extra index), ``find-links``.
    role: Role
    #: Exactly as written: it may hold a password, so it is never in ``repr``.
    url: str = field(repr=False)
    origin: Origin
    #: uv's index name (``[[index]] name = ...`` or ``--index name=URL``), when given.
    name: str | None = None
    #: A uv ``explicit = true`` index: used only for packages pinned to it in ``tool.uv.sources``.
    explicit: bool = False

    @property
    def shown_url(self) -> str:
        """The URL for display, credentials masked."""
        return redact_url(self.url)


@dataclass(frozen=True)
class ConfigValue:
    """An effective client setting other than an index, and where it came from."""

    #: ``no-cache-dir``, ``keyring-provider``, ``cert``, ``no-input``, ``no-index`` (pip);
    #: ``no-cache`` (uv).
    name: str
    #: As written.
    value: str
    origin: Origin
    tool: Tool = "pip"

    @property
    def enabled(self) -> bool:
        """Whether this boolean setting is on, as the tool reads it.

        pip's ``no-cache-dir`` is on for *any* valid boolean, ``false`` included: its callback
        ``_handle_no_cache_dir`` (cli/cmdoptions.py) disables the cache whenever the option is
        given, for backwards compatibility. Other settings follow ``strtobool``.
        """
        parsed = _strtobool(self.value)
        if self.tool == "pip" and self.name == "no-cache-dir":
            return parsed is not None
        return bool(parsed)


@dataclass(frozen=True)
class NetrcFile:
    """The ``.netrc`` file pip (through requests) and uv would read."""

    path: str
    exists: bool
    #: ``st_mode & 0o777`` when it exists.
    mode: int | None
    #: Hosts with an entry (``default`` for the default entry).
    machines: tuple[str, ...]
    #: Why it could not be read or parsed; never its content.
    error: str | None = None


@dataclass(frozen=True)
class ClientConfig:
    """What pip and uv would use, with the origin of every value."""

    #: pip config files that exist and were read, in pip's load order (later overrides earlier).
    pip_files: tuple[str, ...]
    #: uv config files that were read, lowest precedence first (system, user, project), or the
    #: single ``UV_CONFIG_FILE``.
    uv_files: tuple[str, ...]
    #: Every index, extra index and find-links found anywhere, in discovery order: pip files in
    #: load order, ``PIP_*`` variables, uv files (project, user, system), ``UV_*`` variables, then
    #: the requirements files. Overridden values are here too.
    entries: tuple[IndexEntry, ...]
    #: The index-url ``pip install`` would use; None means pip's default (PyPI).
    pip_index: IndexEntry | None
    #: The extra-index-url then find-links values ``pip install`` would use.
    pip_extras: tuple[IndexEntry, ...]
    #: The default index uv would use; None means uv's default (PyPI).
    uv_index: IndexEntry | None
    #: The other indexes uv would consult, in uv's priority order, then its find-links.
    uv_extras: tuple[IndexEntry, ...]
    #: Effective ``no-cache-dir``, ``keyring-provider``, ``cert``, ``no-input``, ``no-index`` for
    #: pip, and ``no-cache`` for uv; a setting that is not set is absent.
    values: tuple[ConfigValue, ...]
    netrc: NetrcFile
    #: Files that could not be read or parsed and values the tools would reject, with why.
    notes: tuple[str, ...]
    #: The ``${VAR}`` variables requirements files expanded, and their values: secrets.
    expanded: Mapping[str, str] = field(default_factory=dict, repr=False)

    def value(self, name: str, tool: Tool = "pip") -> ConfigValue | None:
        """The effective setting ``name`` of ``tool``, or None when it is not set."""
        return next((v for v in self.values if v.name == name and v.tool == tool), None)


# --------------------------------------------------------------------------------------------
# Locations
# --------------------------------------------------------------------------------------------


def _home(environ: Mapping[str, str]) -> str:
    """``$HOME`` from ``environ``; the password database when unset or empty (as platformdirs)."""
    home = environ.get("HOME")
    if home:
        return home
    try:
        import pwd  # not on Windows

        return pwd.getpwuid(os.getuid()).pw_dir
    except (ImportError, KeyError, AttributeError):
        return environ.get("USERPROFILE", "") or os.path.expanduser("~")


def _xdg_dir(environ: Mapping[str, str], name: str) -> str | None:
    """platformdirs' ``_xdg_dir``: the variable, stripped, only when it is an absolute path."""
    value = environ.get(name, "").strip()
    return value if value.startswith("/") else None


def _xdg_dir_list(environ: Mapping[str, str], name: str) -> list[str]:
    """platformdirs' ``_xdg_dir_list``: absolute entries of a ``:``-separated variable."""
    entries = (entry.strip() for entry in environ.get(name, "").split(os.pathsep))
    return [entry for entry in entries if entry.startswith("/")]


def _expand(path: str, home: str) -> str:
    """``os.path.expanduser`` against the given home, not this process's."""
    if path == "~" or path.startswith("~/"):
        return home + path[1:]
    return path


def _resolve(path: str, cwd: Path) -> str:
    """A relative path as the tool would see it when run in ``cwd``."""
    return path if os.path.isabs(path) else str(cwd / path)


# --------------------------------------------------------------------------------------------
# pip
# --------------------------------------------------------------------------------------------

_PIP_BASENAME = "pip.ini" if sys.platform == "win32" else "pip.conf"
#: The command whose section pip reads after [global]: asdiag diagnoses ``pip install``.
_PIP_COMMAND = "install"
#: ``ConfigOptionParser._get_ordered_configuration_items``: later sections override earlier.
_PIP_SECTIONS = ("global", _PIP_COMMAND, ":env:")
#: ``Configuration.get_environ_vars`` skips these.
_PIP_ENV_IGNORED = ("version", "help")

_Kind = Literal["store", "append", "bool", "no-cache", "choice"]
#: Long option names of ``pip install`` that asdiag reads -> (setting name, how pip applies it).
#: ``--pypi-url`` is an alias of ``--index-url`` (cli/cmdoptions.py ``index_url``).
_PIP_OPTIONS: dict[str, tuple[str, _Kind]] = {
    "index-url": ("index-url", "store"),
    "pypi-url": ("index-url", "store"),
    "extra-index-url": ("extra-index-url", "append"),
    "find-links": ("find-links", "append"),
    "no-index": ("no-index", "bool"),
    "no-cache-dir": ("no-cache-dir", "no-cache"),
    "keyring-provider": ("keyring-provider", "choice"),
    "cert": ("cert", "store"),
    "no-input": ("no-input", "bool"),
}
_PIP_INDEX_KEYS: dict[str, Role] = {
    "index-url": "index",
    "pypi-url": "index",
    "extra-index-url": "extra",
    "find-links": "find-links",
}
_PIP_EXTRA_SETTINGS: tuple[tuple[str, Role], ...] = (
    ("extra-index-url", "extra"),
    ("find-links", "find-links"),
)
_PIP_VALUE_ORDER = ("no-cache-dir", "keyring-provider", "cert", "no-input", "no-index")
_KEYRING_PROVIDERS = ("auto", "disabled", "import", "subprocess")


def _normalize_name(name: str) -> str:
    """pip's ``configuration._normalize_name``: ``Index_URL`` and ``--index-url`` are one key."""
    return name.lower().replace("_", "-").removeprefix("--")


class _PipConfigParser(configparser.RawConfigParser):
    """pip's ``_RawConfigParser``: option names normalised, so duplicates are caught alike."""

    def optionxform(self, optionstr: str) -> str:
        return _normalize_name(optionstr)


@dataclass(frozen=True)
class _Item:
    """One ``section.key = value`` pip loaded, with each whitespace-separated token's origin."""

    section: str
    key: str
    value: str
    origin: Origin
    tokens: tuple[tuple[str, Origin], ...]


def _pip_config_files(
    environ: Mapping[str, str], home: str, prefix: str, etc: str, cwd: Path
) -> list[tuple[str, list[str]]]:
    """``Configuration.iter_config_files``: (variant, files) in pip's OVERRIDE_ORDER.

    ``get_configuration_files`` with ``utils/appdirs.py``: global is ``site_config_dirs("pip")``
    (``$XDG_CONFIG_DIRS``, else ``/etc/xdg``, each ``/pip``, then ``/etc`` itself), user is the
    legacy ``~/.pip/pip.conf`` then ``user_config_dir("pip")``, site is ``sys.prefix/pip.conf``.
    The user files are skipped when ``PIP_CONFIG_FILE`` names a file that exists.
    """
    if sys.platform == "win32":
        program_data = environ.get("ProgramData") or environ.get("PROGRAMDATA") or r"C:\ProgramData"
        global_dirs = [os.path.join(program_data, "pip")]
        legacy = os.path.join(home, "pip", _PIP_BASENAME)
        user_dir = os.path.join(environ.get("APPDATA") or home, "pip")
    elif sys.platform == "darwin":
        global_dirs = ["/Library/Application Support/pip"]
        legacy = os.path.join(home, ".pip", _PIP_BASENAME)
        support = os.path.join(home, "Library", "Application Support", "pip")
        user_dir = support if os.path.isdir(support) else os.path.join(home, ".config", "pip")
    else:
        xdg_dirs = _xdg_dir_list(environ, "XDG_CONFIG_DIRS") or [os.path.join(etc, "xdg")]
        global_dirs = [os.path.join(directory, "pip") for directory in xdg_dirs] + [etc]
        legacy = os.path.join(home, ".pip", _PIP_BASENAME)
        config_home = _xdg_dir(environ, "XDG_CONFIG_HOME") or os.path.join(home, ".config")
        user_dir = os.path.join(config_home, "pip")

    env_file = environ.get("PIP_CONFIG_FILE")
    if env_file:
        env_file = _resolve(env_file, cwd)
    variants: list[tuple[str, list[str]]] = [
        ("global", [os.path.join(directory, _PIP_BASENAME) for directory in global_dirs])
    ]
    if not (env_file and os.path.exists(env_file)):
        variants.append(("user", [legacy, os.path.join(user_dir, _PIP_BASENAME)]))
    variants.append(("site", [os.path.join(prefix, _PIP_BASENAME)]))
    variants.append(("env", [env_file] if env_file is not None else []))
    return variants


def _config_error(error: configparser.Error) -> str:
    """Why configparser refused a file, without quoting its lines (they may hold a password)."""
    if isinstance(error, configparser.DuplicateSectionError):
        return f"section [{error.section}] appears twice (line {error.lineno})"
    if isinstance(error, configparser.DuplicateOptionError):
        return f"option {error.option!r} appears twice in [{error.section}] (line {error.lineno})"
    if isinstance(error, configparser.MissingSectionHeaderError):
        return f"line {error.lineno} comes before any [section] header"
    if isinstance(error, configparser.ParsingError):
        lines = ", ".join(str(lineno) for lineno, _ in error.errors)
        return f"line {lines} is not 'name = value'"
    return type(error).__name__


_SECTION_LINE = re.compile(r"\[(?P<header>.+)\]")  # configparser.RawConfigParser.SECTCRE
_OPTION_LINE = re.compile(r"(?P<option>.*?)\s*[=:]")


def _ini_lines(text: str) -> dict[tuple[str, str], int]:
    """The line of each (section, normalised key): configparser does not keep it."""
    found: dict[tuple[str, str], int] = {}
    section: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped[0] in "#;" or line[0].isspace():
            continue  # blank, comment or continuation line
        header = _SECTION_LINE.match(stripped)
        if header is not None:
            section = header["header"]
            continue
        option = _OPTION_LINE.match(stripped)
        if option is not None and section is not None:
            found.setdefault((section, _normalize_name(option["option"])), number)
    return found


def _token_line(lines: Sequence[str], start: int, token: str) -> int:
    """The first line from ``start`` (1-based) holding ``token``: a multi-line value's line."""
    for index in range(start - 1, len(lines)):
        if token in lines[index]:
            return index + 1
        if index >= start and lines[index][:1] not in (" ", "\t", ""):
            break  # the continuation lines ended
    return start


def _read_pip_file(fname: str, notes: list[str]) -> list[_Item] | None:
    """The items of one pip config file; None when it does not exist or could not be read.

    pip's ``_construct_parser`` reads with UTF-8 in UTF-8 mode, else the locale encoding; a file
    it cannot decode or parse makes every pip command fail, while ``RawConfigParser.read``
    silently skips a file it cannot open.
    """
    if not os.path.exists(fname):
        return None
    encoding = "utf-8" if sys.flags.utf8_mode else locale.getencoding()
    try:
        with open(fname, encoding=encoding) as stream:
            text = stream.read()
    except UnicodeDecodeError:
        notes.append(
            f"pip config {fname}: contains invalid {encoding} characters; "
            "pip refuses to run until it is fixed"
        )
        return None
    except OSError as exc:
        notes.append(
            f"pip config {fname}: cannot be read ({exc.strerror or type(exc).__name__}); "
            "pip skips it silently"
        )
        return None
    parser = _PipConfigParser()
    try:
        parser.read_string(text, source=fname)
    except configparser.Error as exc:
        notes.append(
            f"pip config {fname}: {_config_error(exc)}; pip refuses to run until it is fixed"
        )
        return None
    lines = text.splitlines()
    where = _ini_lines(text)
    items: list[_Item] = []
    for section in parser.sections():
        # items() includes [DEFAULT] values, as pip's _load_file sees them.
        for key, value in parser.items(section):
            line = where.get((section, key)) or where.get((parser.default_section, key))
            origin = Origin(path=fname, line=line)
            if _PIP_OPTIONS.get(key, ("", "store"))[1] == "append" and line is not None:
                tokens = tuple(
                    (token, Origin(path=fname, line=_token_line(lines, line, token)))
                    for token in value.split()
                )
            elif _PIP_OPTIONS.get(key, ("", "store"))[1] == "append":
                tokens = tuple((token, origin) for token in value.split())
            else:
                tokens = ((value, origin),)
            items.append(_Item(section, key, value, origin, tokens))
    return items


def _pip_env_items(environ: Mapping[str, str]) -> list[_Item]:
    """``Configuration.get_environ_vars``: every ``PIP_*`` variable, as section ``:env:``."""
    items: list[_Item] = []
    for variable, value in environ.items():
        if not variable.startswith("PIP_"):
            continue
        name = variable[4:].lower()
        if name in _PIP_ENV_IGNORED:
            continue
        key = _normalize_name(name)
        origin = Origin(variable=variable)
        if _PIP_OPTIONS.get(key, ("", "store"))[1] == "append":
            tokens = tuple((token, origin) for token in value.split())
        else:
            tokens = ((value, origin),)
        items.append(_Item(":env:", key, value, origin, tokens))
    return items


@dataclass(frozen=True)
class _PipResult:
    files: tuple[str, ...]
    entries: tuple[IndexEntry, ...]
    index: IndexEntry | None
    extras: tuple[IndexEntry, ...]
    values: tuple[ConfigValue, ...]


def _index_entries(tool: Tool, items: Iterable[_Item]) -> Iterator[IndexEntry]:
    for item in items:
        role = _PIP_INDEX_KEYS.get(item.key)
        if role is not None and item.value:
            for token, origin in item.tokens:
                yield IndexEntry(tool, role, token, origin)


def _read_pip(
    environ: Mapping[str, str], home: str, prefix: str, etc: str, cwd: Path, notes: list[str]
) -> _PipResult:
    """pip's effective index options for ``pip install``, after its precedence rules."""
    variants = _pip_config_files(environ, home, prefix, etc, cwd)
    env_files = dict(variants)["env"]
    # pip keys its loaded configuration by file name, in OVERRIDE_ORDER (global, user, site,
    # env); a file listed twice keeps its first position (``Configuration._dictionary``).
    loaded: dict[str, list[_Item]] = {}
    files: list[str] = []
    if env_files[0:1] == [os.devnull]:
        pass  # ``_load_config_files``: PIP_CONFIG_FILE=os.devnull disables every file
    else:
        for _variant, names in variants:
            for name in names:
                items = _read_pip_file(name, notes) if name else None
                loaded[name] = items or []
                if items is not None and name not in files:
                    files.append(name)
    loaded[":env:"] = _pip_env_items(environ)

    # ``_get_ordered_configuration_items``: pool by section (a later file replaces a key), then
    # drop empty values, then yield [global], [install], environment in that order.
    pooled: dict[str, dict[str, _Item]] = {section: {} for section in _PIP_SECTIONS}
    for items in loaded.values():
        for item in items:
            if item.section in pooled:
                pooled[item.section][item.key] = item

    # ``_update_defaults``: each occurrence replaces the option's value (append options too).
    effective: dict[str, _Item] = {}
    for section in _PIP_SECTIONS:
        for key, item in pooled[section].items():
            if not item.value or key not in _PIP_OPTIONS:
                continue
            setting, kind = _PIP_OPTIONS[key]
            if kind in ("bool", "no-cache") and _strtobool(item.value) is None:
                notes.append(
                    f"pip {key} from {item.origin.describe()}: {item.value!r} is not a boolean; "
                    "pip refuses to run until it is fixed"
                )
                continue
            if kind == "choice" and item.value not in _KEYRING_PROVIDERS:
                notes.append(
                    f"pip {key} from {item.origin.describe()}: {item.value!r} is not one of "
                    f"{', '.join(_KEYRING_PROVIDERS)}; pip refuses to run until it is fixed"
                )
                continue
            effective[setting] = item

    entries = list(_index_entries("pip", (i for items in loaded.values() for i in items)))
    index_item = effective.get("index-url")
    index = IndexEntry("pip", "index", index_item.value, index_item.origin) if index_item else None
    extras = [
        IndexEntry("pip", role, token, origin)
        for setting, role in _PIP_EXTRA_SETTINGS
        if setting in effective
        for token, origin in effective[setting].tokens
    ]
    values = [
        ConfigValue(name, effective[name].value, effective[name].origin, "pip")
        for name in _PIP_VALUE_ORDER
        if name in effective
    ]
    return _PipResult(tuple(files), tuple(_unique(entries)), index, tuple(extras), tuple(values))


def _unique(entries: Iterable[IndexEntry]) -> Iterator[IndexEntry]:
    """Entries without repeats ([DEFAULT] values show in every section; a file listed twice)."""
    seen: set[IndexEntry] = set()
    for entry in entries:
        if entry not in seen:
            seen.add(entry)
            yield entry


# --------------------------------------------------------------------------------------------
# uv
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _UvFile:
    path: str
    #: The uv settings table (top level of uv.toml, ``[tool.uv]`` of pyproject.toml).
    table: Mapping[str, Any]
    lines: tuple[str, ...]


def _load_toml(path: str, notes: list[str], consequence: str) -> tuple[dict[str, Any], str] | None:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        notes.append(f"uv config {path}: is not valid UTF-8; {consequence}")
        return None
    except OSError as exc:
        notes.append(
            f"uv config {path}: cannot be read ({exc.strerror or type(exc).__name__}); "
            f"{consequence}"
        )
        return None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        notes.append(f"uv config {path}: invalid TOML ({exc}); {consequence}")
        return None
    except ValueError:  # tomllib lets int()'s digit limit through
        notes.append(
            f"uv config {path}: invalid TOML (an integer is too long to read); {consequence}"
        )
        return None


def _uv_file(path: str, notes: list[str]) -> _UvFile | None:
    """A ``uv.toml``: uv refuses to run when it exists but cannot be read or parsed."""
    loaded = _load_toml(path, notes, "uv refuses to run until it is fixed")
    if loaded is None:
        return None
    data, text = loaded
    return _UvFile(path, data, tuple(text.splitlines()))


def _uv_project_file(cwd: Path, notes: list[str]) -> _UvFile | None:
    """uv's ``FilesystemOptions::find``: the nearest ``uv.toml``, or ``pyproject.toml`` with
    ``[tool.uv]``, from ``cwd`` upwards; ``uv.toml`` wins in the same directory.

    A ``pyproject.toml`` that does not parse is skipped with a warning and the search goes on;
    a ``uv.toml`` that does not parse stops uv. (In a workspace uv starts at the workspace root;
    that is not modelled: the search starts at ``cwd``.)
    """
    for directory in (cwd, *cwd.parents):
        uv_toml = directory / "uv.toml"
        if uv_toml.exists():
            return _uv_file(str(uv_toml), notes)
        pyproject = directory / "pyproject.toml"
        if not pyproject.exists():
            continue
        loaded = _load_toml(str(pyproject), notes, "uv warns and ignores it")
        if loaded is None:
            continue
        data, text = loaded
        tool = data.get("tool")
        table = tool.get("uv") if isinstance(tool, dict) else None
        if isinstance(table, dict):
            return _UvFile(str(pyproject), table, tuple(text.splitlines()))
    return None


def _uv_user_file(environ: Mapping[str, str], home: str, notes: list[str]) -> _UvFile | None:
    """``FilesystemOptions::user``: ``$XDG_CONFIG_HOME/uv/uv.toml`` or ``~/.config/uv/uv.toml``;
    missing or unreadable (permission denied) is silently ignored by uv."""
    if sys.platform == "win32":
        base = environ.get("APPDATA") or os.path.join(home, "AppData", "Roaming")
    else:
        base = _xdg_dir(environ, "XDG_CONFIG_HOME") or os.path.join(home, ".config")
    path = os.path.join(base, "uv", "uv.toml")
    if not os.path.isfile(path):
        return None
    if not os.access(path, os.R_OK):
        notes.append(f"uv config {path}: cannot be read (permission denied); uv ignores it")
        return None
    return _uv_file(path, notes)


def _uv_system_file(environ: Mapping[str, str], etc: str, notes: list[str]) -> _UvFile | None:
    """``uv_dirs::system_config_file``: the first ``<dir>/uv/uv.toml`` of ``$XDG_CONFIG_DIRS``
    (``/etc/xdg`` when unset or empty), else ``/etc/uv/uv.toml``; only one is used."""
    if sys.platform == "win32":
        drive = environ.get("SYSTEMDRIVE", "C:")
        candidates = [os.path.join(drive + "\\", "ProgramData", "uv", "uv.toml")]
    else:
        dirs = environ.get("XDG_CONFIG_DIRS") or os.path.join(etc, "xdg")
        candidates = []
        for directory in dirs.split(":"):
            if not directory:
                break  # uv: take_while(non-empty)
            candidates.append(os.path.join(directory, "uv", "uv.toml"))
    for candidate in candidates:
        if os.path.isfile(candidate):
            return _uv_file(candidate, notes)
    fallback = os.path.join(etc, "uv", "uv.toml")
    if sys.platform != "win32" and os.path.exists(fallback):
        return _uv_file(fallback, notes)
    return None


def _toml_line(uv_file: _UvFile, text: str, used: set[tuple[str, int]]) -> int | None:
    """The first line of the file holding ``text`` not already given to an equal value."""
    for number, line in enumerate(uv_file.lines, start=1):
        if text in line and (uv_file.path, number) not in used:
            used.add((uv_file.path, number))
            return number
    return None


@dataclass(frozen=True)
class _UvIndexes:
    """One source's index settings, uv's ``IndexOptions``; ``index`` entries carry ``default``."""

    index: tuple[tuple[IndexEntry, bool], ...] = ()
    extra_index_url: tuple[IndexEntry, ...] = ()
    index_url: IndexEntry | None = None
    find_links: tuple[IndexEntry, ...] = ()


def _uv_table_indexes(
    uv_file: _UvFile,
    table: Mapping[str, Any],
    where: str,
    notes: list[str],
    used: set[tuple[str, int]],
) -> _UvIndexes:
    """The index settings of one uv settings table; a value of the wrong type becomes a note."""

    def entry(role: Role, url: str, name: str | None = None, explicit: bool = False) -> IndexEntry:
        origin = Origin(path=uv_file.path, line=_toml_line(uv_file, url, used))
        return IndexEntry("uv", role, url, origin, name=name, explicit=explicit)

    def bad(key: str, expected: str) -> None:
        notes.append(
            f"uv config {uv_file.path}: {where}{key} is not {expected}; uv rejects the file"
        )

    indexes: list[tuple[IndexEntry, bool]] = []
    raw_index = table.get("index", [])
    if not isinstance(raw_index, list):
        bad("index", "an array of tables ([[index]])")
        raw_index = []
    for raw in raw_index:
        url = raw.get("url") if isinstance(raw, dict) else None
        if not isinstance(url, str):
            bad("index", "a table with a string url")
            continue
        default = raw.get("default") is True
        flat = raw.get("format") == "flat"
        role: Role = "find-links" if flat else ("index" if default else "extra")
        name = raw.get("name") if isinstance(raw.get("name"), str) else None
        indexes.append((entry(role, url, name, raw.get("explicit") is True), default and not flat))

    extras: list[IndexEntry] = []
    raw_extras = table.get("extra-index-url", [])
    if isinstance(raw_extras, list) and all(isinstance(url, str) for url in raw_extras):
        extras = [entry("extra", url) for url in raw_extras]
    else:
        bad("extra-index-url", "an array of strings")

    index_url = None
    raw_index_url = table.get("index-url")
    if isinstance(raw_index_url, str):
        index_url = entry("index", raw_index_url)
    elif raw_index_url is not None:
        bad("index-url", "a string")

    find_links: list[IndexEntry] = []
    raw_links = table.get("find-links", [])
    if isinstance(raw_links, list) and all(isinstance(url, str) for url in raw_links):
        find_links = [entry("find-links", url) for url in raw_links]
    else:
        bad("find-links", "an array of strings")
    return _UvIndexes(tuple(indexes), tuple(extras), index_url, tuple(find_links))


_INDEX_NAME = re.compile(r"[A-Za-z0-9._-]+")


def _named(value: str) -> tuple[str | None, str]:
    """uv's ``--index name=URL`` form: (name, url); a URL's own ``=`` is left alone."""
    name, equals, url = value.partition("=")
    if equals and url and _INDEX_NAME.fullmatch(name):
        return name, url
    return None, value


def _uv_env_indexes(environ: Mapping[str, str]) -> _UvIndexes:
    """``UV_DEFAULT_INDEX``, ``UV_INDEX``, ``UV_EXTRA_INDEX_URL``, ``UV_INDEX_URL`` and
    ``UV_FIND_LINKS`` (comma-separated), the clap ``env`` of the matching flags."""
    indexes: list[tuple[IndexEntry, bool]] = []
    if default := environ.get("UV_DEFAULT_INDEX", "").strip():
        name, url = _named(default)
        indexes.append(
            (IndexEntry("uv", "index", url, Origin(variable="UV_DEFAULT_INDEX"), name=name), True)
        )
    for token in environ.get("UV_INDEX", "").split():
        name, url = _named(token)
        indexes.append(
            (IndexEntry("uv", "extra", url, Origin(variable="UV_INDEX"), name=name), False)
        )
    extras = tuple(
        IndexEntry("uv", "extra", url, Origin(variable="UV_EXTRA_INDEX_URL"))
        for url in environ.get("UV_EXTRA_INDEX_URL", "").split()
    )
    index_url_text = environ.get("UV_INDEX_URL", "").strip()
    index_url = (
        IndexEntry("uv", "index", index_url_text, Origin(variable="UV_INDEX_URL"))
        if index_url_text
        else None
    )
    find_links = tuple(
        IndexEntry("uv", "find-links", url.strip(), Origin(variable="UV_FIND_LINKS"))
        for url in environ.get("UV_FIND_LINKS", "").split(",")
        if url.strip()
    )
    return _UvIndexes(tuple(indexes), extras, index_url, find_links)


@dataclass(frozen=True)
class _UvResult:
    files: tuple[str, ...]
    entries: tuple[IndexEntry, ...]
    index: IndexEntry | None
    extras: tuple[IndexEntry, ...]
    values: tuple[ConfigValue, ...]


def _uv_bool(environ: Mapping[str, str], variable: str, notes: list[str]) -> bool | None:
    """uv's ``parse_boolish_environment_variable``; an invalid value stops uv."""
    value = environ.get(variable)
    if not value:
        return None
    parsed = _strtobool(value)
    if parsed is None:
        notes.append(f"{variable}={value!r} is not a boolean; uv refuses to run until it is fixed")
    return parsed


def _read_uv(
    environ: Mapping[str, str], home: str, etc: str, cwd: Path, notes: list[str]
) -> _UvResult:
    """uv's indexes for its project interface (``uv sync``, ``uv lock``, ``uv add``).

    Files (uv's ``run`` in crates/uv/src/lib.rs): ``UV_CONFIG_FILE`` alone when set; none with
    ``UV_NO_CONFIG``; else project, user and system, combined with the project first: a string
    or boolean comes from the first file that sets it, arrays are concatenated in that order.
    Environment variables come before files. The indexes are then chained as
    ``ResolverInstallerSettings`` does: ``UV_DEFAULT_INDEX`` and ``UV_INDEX``,
    ``UV_EXTRA_INDEX_URL``, ``UV_INDEX_URL``, the files' ``[[index]]``, ``extra-index-url``,
    ``index-url``; the first one marked default (``index-url`` counts as default) is the
    default index, the others are consulted before it, ``explicit`` ones only for pinned
    packages, and a repeated name keeps its first index. ``[pip]`` tables (``uv pip``) are
    reported in ``entries`` but do not change the project interface's choice.
    """
    config_files: list[_UvFile] = []  # highest precedence first
    explicit = environ.get("UV_CONFIG_FILE")
    if explicit:
        loaded = _uv_file(_resolve(explicit, cwd), notes)
        config_files = [loaded] if loaded else []
    elif not _uv_bool(environ, "UV_NO_CONFIG", notes):
        project = _uv_project_file(cwd, notes)
        user = _uv_user_file(environ, home, notes)
        system = _uv_system_file(environ, etc, notes)
        config_files = [f for f in (project, user, system) if f is not None]

    used: set[tuple[str, int]] = set()
    file_indexes: list[_UvIndexes] = []
    entries: list[IndexEntry] = []
    no_cache: ConfigValue | None = None
    for uv_file in config_files:
        top = _uv_table_indexes(uv_file, uv_file.table, "", notes, used)
        file_indexes.append(top)
        entries.extend(_uv_all(top))
        pip_table = uv_file.table.get("pip")
        if isinstance(pip_table, dict):
            entries.extend(_uv_all(_uv_table_indexes(uv_file, pip_table, "pip.", notes, used)))
        raw_no_cache = uv_file.table.get("no-cache")
        if no_cache is None and isinstance(raw_no_cache, bool):
            line = next(
                (
                    n
                    for n, text in enumerate(uv_file.lines, 1)
                    if text.strip().startswith("no-cache")
                ),
                None,
            )
            no_cache = ConfigValue(
                "no-cache", str(raw_no_cache).lower(), Origin(uv_file.path, line), "uv"
            )

    env = _uv_env_indexes(environ)
    entries.extend(_uv_all(env))
    chain: list[tuple[IndexEntry, bool]] = [*env.index, *((e, False) for e in env.extra_index_url)]
    if env.index_url:
        chain.append((env.index_url, True))
    for source in file_indexes:
        chain.extend(source.index)
    for source in file_indexes:
        chain.extend((e, False) for e in source.extra_index_url)
    file_index_url = next((s.index_url for s in file_indexes if s.index_url), None)
    if file_index_url:
        chain.append((file_index_url, True))

    names: set[str] = set()
    default: IndexEntry | None = None
    extras: list[IndexEntry] = []
    flat: list[IndexEntry] = []
    for index_entry, is_default in chain:
        if index_entry.name is not None:
            if index_entry.name in names:
                continue
            names.add(index_entry.name)
        if index_entry.role == "find-links":
            flat.append(index_entry)
        elif is_default:
            default = default or index_entry
        elif not index_entry.explicit:
            extras.append(index_entry)
    links = [*env.find_links, *(e for s in file_indexes for e in s.find_links), *flat]

    env_no_cache = _uv_bool(environ, "UV_NO_CACHE", notes)
    values: list[ConfigValue] = []
    if env_no_cache:
        values.append(
            ConfigValue("no-cache", environ["UV_NO_CACHE"], Origin(variable="UV_NO_CACHE"), "uv")
        )
    elif no_cache is not None:
        values.append(no_cache)
    elif env_no_cache is False:
        values.append(
            ConfigValue("no-cache", environ["UV_NO_CACHE"], Origin(variable="UV_NO_CACHE"), "uv")
        )
    files = tuple(reversed([f.path for f in config_files]))
    return _UvResult(files, tuple(_unique(entries)), default, (*extras, *links), tuple(values))


def _uv_all(indexes: _UvIndexes) -> Iterator[IndexEntry]:
    """Every entry of one source, in the order it is written down."""
    yield from (entry for entry, _ in indexes.index)
    if indexes.index_url:
        yield indexes.index_url
    yield from indexes.extra_index_url
    yield from indexes.find_links


# --------------------------------------------------------------------------------------------
# Requirements files
# --------------------------------------------------------------------------------------------

# pip req/req_file.py
_URL_SCHEME = re.compile(r"^(http|https|file):", re.IGNORECASE)


def _read_requirements(
    start: str,
    environ: Mapping[str, str],
    cwd: Path,
    notes: list[str],
    expanded: dict[str, str],
    no_index: list[Origin],
) -> list[IndexEntry]:
    """Index options of a requirements file and the files it includes (``-r``, ``-c``).

    Like pip's ``RequirementsFileParser._parse_and_recurse``: an include is relative to the
    including file, a file already on the current include path is a cycle (pip stops with
    "recursively references itself"), a file included twice from different places is read
    twice. Options on a line that also names a requirement are ignored by pip, and so here.
    """
    entries: list[IndexEntry] = []

    def parse(path: str, ancestors: frozenset[str]) -> None:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            notes.append(
                f"requirements {path}: cannot be opened ({exc.strerror or type(exc).__name__})"
            )
            return
        except ValueError:  # a NUL byte in the name
            notes.append(f"requirements {path!r}: cannot be opened (invalid name)")
            return
        try:
            text = decode_requirements(data)
        except (UnicodeError, LookupError):  # UnicodeError: the idna codec's own errors
            notes.append(f"requirements {path}: cannot be decoded")
            return
        for number, line in requirement_lines(text, environ, expanded):
            try:
                args, options = parse_line(line)
            except (OptionError, ValueError) as exc:
                notes.append(f"requirements {path}:{number}: {exc}; pip refuses the file")
                continue
            if args or options.editables:
                continue  # a requirement line: pip keeps only its --hash / --config-settings
            if options.requirements or options.constraints:
                # _parse_and_recurse: the line is an include, its other options are dropped.
                included = (options.requirements or options.constraints)[0]
                if _URL_SCHEME.search(included) or _URL_SCHEME.search(path):
                    notes.append(
                        f"requirements {path}:{number}: includes {redact_url(included)}, "
                        "a URL asdiag does not fetch"
                    )
                    continue
                target = os.path.abspath(os.path.join(os.path.dirname(path), included))
                if target in ancestors:
                    notes.append(
                        f"requirements {path}:{number}: {target} recursively references itself; "
                        "pip refuses the file"
                    )
                    continue
                parse(target, ancestors | {target})
                continue
            origin = Origin(path=path, line=number)
            if options.no_index:
                no_index.append(origin)
            found: list[tuple[Role, str]] = (
                [("index", options.index_url)] if options.index_url else []
            )
            found += [("extra", url) for url in options.extra_index_urls or ()]
            # pip's handle_option_line adds only the first --find-links of a line.
            found += [("find-links", url) for url in (options.find_links or ())[:1]]
            entries.extend(IndexEntry("requirements", role, url, origin) for role, url in found)

    first = os.path.abspath(_resolve(start, cwd))
    parse(first, frozenset({first}))
    return entries


# --------------------------------------------------------------------------------------------
# .netrc
# --------------------------------------------------------------------------------------------


def netrc_location(environ: Mapping[str, str]) -> str:
    """The ``.netrc`` requests' ``get_netrc_auth`` would read (pip's step 3): ``$NETRC`` when
    set (even empty), else the first of ``~/.netrc`` and ``~/_netrc`` that exists."""
    home = _home(environ)
    if "NETRC" in environ:
        return _expand(environ["NETRC"], home)
    candidates = [os.path.join(home, name) for name in (".netrc", "_netrc")]
    return next((c for c in candidates if os.path.exists(c)), candidates[0])


def _read_netrc(environ: Mapping[str, str]) -> NetrcFile:
    path = netrc_location(environ)
    try:
        mode = os.stat(path).st_mode & 0o777
    except OSError:
        return NetrcFile(path=path, exists=False, mode=None, machines=())
    try:
        # An explicit path: the stdlib's own permission check (default file only) stays off.
        parsed = _netrc.netrc(path)
    except _netrc.NetrcParseError as exc:
        # Not str(exc): it quotes the offending token, which may be a password.
        return NetrcFile(path, True, mode, (), f"cannot be parsed (line {exc.lineno})")
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return NetrcFile(path, True, mode, (), f"cannot be read ({reason})")
    except (UnicodeDecodeError, ValueError):
        return NetrcFile(path, True, mode, (), "cannot be decoded")
    return NetrcFile(path, True, mode, tuple(parsed.hosts))


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def _with_requirements(
    index: IndexEntry | None, extras: tuple[IndexEntry, ...], lines: Sequence[IndexEntry]
) -> tuple[IndexEntry | None, tuple[IndexEntry, ...]]:
    """pip's index and extras once ``pip install -r FILE`` has read the files' index options,
    in order, as its ``handle_option_line`` applies them to the finder the configuration set
    up: an ``--index-url`` replaces the index *and every extra index before it*, an
    ``--extra-index-url`` adds one, a ``--find-links`` adds a location."""
    for line in lines:
        if line.role == "index":
            index = line
            extras = tuple(e for e in extras if e.role == "find-links")
        else:
            extras = (*extras, line)
    return index, extras


def read_client_config(
    environ: Mapping[str, str],
    *,
    requirements: Sequence[str | Path] = (),
    cwd: Path | None = None,
    prefix: str | None = None,
    etc: str = "/etc",
) -> ClientConfig:
    """Read what pip and uv would use, from files and ``environ`` only.

    :param environ: the environment pip and uv would run with (``HOME``, ``XDG_*``, ``PIP_*``,
        ``UV_*``, ``NETRC``); ``os.environ`` is never consulted.
    :param requirements: requirements files whose ``--index-url``, ``--extra-index-url`` and
        ``--find-links`` lines are read, with the files they include.
    :param cwd: the directory pip and uv would run in (uv's project search starts there;
        relative paths resolve against it); default: this process's.
    :param prefix: ``sys.prefix`` of the Python whose pip is diagnosed, for pip's site file
        ``<prefix>/pip.conf``; default: ``$VIRTUAL_ENV`` when set (an activated virtualenv's pip
        is the ``pip`` on PATH), else this interpreter's ``sys.prefix``.
    :param etc: the system configuration directory, ``/etc`` (replaceable for tests).

    Never raises for a missing, unreadable or invalid file: each problem is a note.
    """
    cwd = Path(cwd) if cwd is not None else Path.cwd()
    home = _home(environ)
    site_prefix = prefix or environ.get("VIRTUAL_ENV") or sys.prefix
    notes: list[str] = []
    pip = _read_pip(environ, home, site_prefix, etc, cwd, notes)
    uv = _read_uv(environ, home, etc, cwd, notes)
    requirement_entries: list[IndexEntry] = []
    expanded: dict[str, str] = {}
    no_index: list[Origin] = []
    for requirements_file in requirements:
        requirement_entries.extend(
            _read_requirements(str(requirements_file), environ, cwd, notes, expanded, no_index)
        )
    # --no-index in a file is pip's no-index for that install, whatever the configuration says.
    no_index_values = tuple(ConfigValue("no-index", "true", origin) for origin in no_index[:1])
    entries = (*pip.entries, *uv.entries, *requirement_entries)

    # Notes quote file names and values; mask any password this run has seen, raw or decoded.
    redactor = Redactor(url_passwords(e.url for e in entries))
    redactor.add_expanded(expanded)
    pip_index, pip_extras = _with_requirements(pip.index, pip.extras, requirement_entries)
    return ClientConfig(
        pip_files=pip.files,
        uv_files=uv.files,
        entries=entries,
        pip_index=pip_index,
        pip_extras=pip_extras,
        uv_index=uv.index,
        uv_extras=uv.extras,
        values=(*no_index_values, *pip.values, *uv.values),
        netrc=_read_netrc(environ),
        notes=tuple(redactor.text(note) for note in notes),
        expanded=expanded,
    )
