"""Resolve the settings of a run from flags, environment and the config file.

Precedence, one rule for every value: flags > ``ASDIAG_*`` environment > config file profile >
config file top level > default. Each value remembers where it came from, because "which
password did it use?" is half of every credentials question; the value itself is never shown.

The config file is TOML, at ``<user config dir>/asdiag/config.toml`` (``--config`` or
``ASDIAG_CONFIG`` to move it)::

    catalog_url = "https://repository.activestate.com/<org-uuid>/pypi"
    timeout = 10

    [profiles.staging]
    catalog_url = "https://artifactory.example.com/artifactory/api/pypi/catalog"
    username = "ci-reader"

Passwords are never read from it: a readable file is the wrong home for a secret.
"""

from __future__ import annotations

import math
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Generic, TypeVar
from urllib.parse import SplitResult, unquote, urlsplit

from asdiag.credentials import KeyringLookup, KeyringOutcome, keyring_keys, netrc_lookup
from asdiag.errors import UsageError
from asdiag.redact import MASK, Secret, redact_url, user_is_token
from asdiag.urls import UrlError, manager_index_url, parse_catalog_url

T = TypeVar("T")

DEFAULT_TIMEOUT = 10.0
#: Each command's overall deadline when --deadline is not given: long enough for every request
#: of a healthy run many times over, short enough that no stalled server holds a CI job.
DEFAULT_DEADLINES = {"check": 60.0, "manager": 120.0, "package": 120.0, "requirements": 900.0}
CONFIG_KEYS = (
    "catalog_url",
    "username",
    "timeout",
    "deadline",
    "ca_bundle",
    "manager_url",
    "manager_username",
    "admin_username",
    "managers",
)


class Source(StrEnum):
    """Where a setting's value came from."""

    FLAG = "flag"
    STDIN = "stdin"
    ENVIRONMENT = "environment"
    CONFIG = "config file"
    URL = "catalog URL"
    NETRC = ".netrc"
    KEYRING = "keyring"
    PIP = "pip configuration"
    DEFAULT = "default"
    UNSET = "unset"


@dataclass(frozen=True)
class Setting(Generic[T]):
    """A value and its provenance."""

    value: T
    source: Source
    #: The exact place: ``--timeout``, ``ASDIAG_PASSWORD``, ``/path/config.toml [profiles.x]``.
    origin: str = ""
    #: The value is a credential although it is not a password: a token written as a URL's
    #: user part (``https://TOKEN@host``, ``https://TOKEN:x-oauth-basic@host``).
    secret: bool = False

    def describe(self) -> str:
        """Where the value came from, in words (never the value)."""
        return f"{self.source} ({self.origin})" if self.origin else str(self.source)

    @property
    def shown(self) -> object:
        """The value as output may show it."""
        if self.secret:
            return MASK
        return redact_url(self.value) if isinstance(self.value, str) else self.value

    def __repr__(self) -> str:
        return f"Setting(value={self.shown!r}, source={self.source!r}, origin={self.origin!r})"


@dataclass(frozen=True)
class Flags:
    """What the command line said; ``None`` means the flag was not given."""

    catalog_url: str | None = field(default=None, repr=False)  # may hold credentials
    username: str | None = None
    password: Secret | None = None
    timeout: float | None = None
    ca_bundle: str | None = None
    profile: str | None = None
    config: str | None = None
    manager_url: str | None = field(default=None, repr=False)  # may hold credentials
    manager_username: str | None = None
    admin_username: str | None = None
    deadline: float | None = None


@dataclass(frozen=True)
class ManagerEndpoint:
    """One repository manager to diagnose: its PyPI URL and the user asdiag asks it as."""

    url: Setting[str]
    username: Setting[str | None]
    password: Setting[Secret | None]


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know, frozen once resolved."""

    catalog_url: Setting[str | None]
    username: Setting[str | None]
    password: Setting[Secret | None]
    timeout: Setting[float]
    ca_bundle: Setting[str | None]
    profile: str | None
    #: The config file that was read, if one existed.
    config_file: str | None
    #: The command's overall deadline in seconds; unset: the command's own default.
    deadline: Setting[float | None] = field(default_factory=lambda: Setting(None, Source.UNSET))
    #: The repository manager's PyPI URL as pip uses it (``.../simple/``), and its user.
    manager_url: Setting[str | None] = field(default_factory=lambda: Setting(None, Source.UNSET))
    manager_username: Setting[str | None] = field(
        default_factory=lambda: Setting(None, Source.UNSET)
    )
    manager_password: Setting[Secret | None] = field(
        default_factory=lambda: Setting(None, Source.UNSET)
    )
    #: An administrator of the manager, for reading its configuration (``asdiag manager``).
    admin_username: Setting[str | None] = field(default_factory=lambda: Setting(None, Source.UNSET))
    admin_password: Setting[Secret | None] = field(
        default_factory=lambda: Setting(None, Source.UNSET)
    )
    #: Why the keyring could not be asked for the password (empty: not needed, or it answered).
    keyring_problem: str = ""
    #: Every manager to diagnose: the one of ``--manager-url`` first, then the profile's
    #: ``[[managers]]`` (production and development, several data centres).
    managers: tuple[ManagerEndpoint, ...] = ()

    @property
    def shown_url(self) -> str:
        """The catalog URL for display: credentials masked, ``(none)`` when unset."""
        return redact_url(self.catalog_url.value) if self.catalog_url.value else "(none)"

    @property
    def password_status(self) -> str:
        """Whether a password is set and where from, in words (never the value)."""
        if self.password.value is None:
            return "not set"
        return f"set, from {self.password.describe()}"

    def to_dict(self) -> dict[str, object]:
        """The settings for JSON output: sources always, secret values never."""

        def entry(setting: Setting[Any]) -> dict[str, object]:
            return {"value": setting.shown, "source": str(setting.source), "origin": setting.origin}

        def secret(setting: Setting[Secret | None]) -> dict[str, object]:
            return {
                "set": setting.value is not None,
                "source": str(setting.source),
                "origin": setting.origin,
            }

        return {
            "catalog_url": entry(self.catalog_url),
            "username": entry(self.username),
            "password": secret(self.password),
            "timeout": entry(self.timeout),
            "deadline": entry(self.deadline),
            "ca_bundle": entry(self.ca_bundle),
            "profile": self.profile,
            "config_file": self.config_file,
            "manager_url": entry(self.manager_url),
            "manager_username": entry(self.manager_username),
            "admin_username": entry(self.admin_username),
            "admin_password": secret(self.admin_password),
            "manager_password": secret(self.manager_password),
        }


def default_config_path() -> Path:
    """``config.toml`` in the platform's user config directory for asdiag."""
    from platformdirs import user_config_path

    return user_config_path("asdiag", appauthor=False) / "config.toml"


@dataclass(frozen=True)
class _ConfigLayer:
    values: Mapping[str, object]
    origin: str


def _load_config(path: Path, *, explicit: bool) -> dict[str, object] | None:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if explicit:
            raise UsageError(f"config file {path} does not exist") from None
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"config file {path} cannot be read: {exc}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"config file {path} is not valid TOML: {exc}") from None
    except ValueError:  # tomllib lets int()'s digit limit through
        raise UsageError(
            f"config file {path} is not valid TOML: an integer is too long to read"
        ) from None


def _check_table(table: Mapping[str, object], where: str) -> None:
    for key, value in table.items():
        if key == "password":
            raise UsageError(
                f"{where}: asdiag does not read passwords from the config file; use "
                "ASDIAG_PASSWORD or --password-stdin"
            )
        if key not in CONFIG_KEYS:
            raise UsageError(f"{where}: unknown key {key!r} (known keys: {', '.join(CONFIG_KEYS)})")
        if key in ("timeout", "deadline"):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise UsageError(f"{where}: {key} must be a number of seconds")
        elif key == "managers":
            _check_managers(value, where)
        elif not isinstance(value, str):
            raise UsageError(f"{where}: {key} must be a string")


def _check_managers(value: object, where: str) -> None:
    """``[[managers]]``: tables with a ``url`` and an optional ``username``, nothing else."""
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise UsageError(f"{where}: managers must be a list of [[managers]] tables")
    for number, item in enumerate(value, start=1):
        if not isinstance(item.get("url"), str):
            raise UsageError(f"{where}: managers #{number} needs a url (a string)")
        unknown = set(item) - {"url", "username"}
        if "password" in item:
            raise UsageError(
                f"{where}: managers #{number}: asdiag does not read passwords from the config "
                "file; use `asdiag login --manager` or ASDIAG_MANAGER_PASSWORD"
            )
        if unknown:
            raise UsageError(f"{where}: managers #{number}: unknown key {sorted(unknown)[0]!r}")
        if not isinstance(item.get("username", ""), str):
            raise UsageError(f"{where}: managers #{number}: username must be a string")


def _config_layers(
    data: Mapping[str, object], path: Path, profile: str | None
) -> list[_ConfigLayer]:
    """The profile's table (if any), then the top level: the order in which they win."""
    top = {key: value for key, value in data.items() if key != "profiles"}
    _check_table(top, str(path))
    layers = [_ConfigLayer(top, str(path))]
    profiles = data.get("profiles", {})
    if not isinstance(profiles, dict):
        raise UsageError(f"{path}: 'profiles' must be a table of [profiles.NAME] tables")
    if profile is not None:
        if profile not in profiles:
            known = ", ".join(sorted(profiles)) or "none"
            raise UsageError(
                f"unknown profile {redact_url(profile)!r} in {path} (profiles: {known})"
            )
        table = profiles[profile]
        if not isinstance(table, dict):
            raise UsageError(f"{path}: [profiles.{profile}] must be a table")
        where = f"{path} [profiles.{profile}]"
        _check_table(table, where)
        layers.insert(0, _ConfigLayer(table, where))
    return layers


def _pick(
    key: str,
    flag_value: object,
    env_name: str,
    environ: Mapping[str, str],
    layers: list[_ConfigLayer],
) -> Setting[object]:
    """The winning value for one key: flag, then environment, then config layers."""
    if flag_value is not None:
        return Setting(flag_value, Source.FLAG, "--" + key.replace("_", "-"))
    if environ.get(env_name):
        return Setting(environ[env_name], Source.ENVIRONMENT, env_name)
    for layer in layers:
        if key in layer.values:
            return Setting(layer.values[key], Source.CONFIG, layer.origin)
    return Setting(None, Source.UNSET)


def _as_str(setting: Setting[object]) -> Setting[str | None]:
    """Narrow a setting whose value was validated to be a string (or absent)."""
    value = setting.value if isinstance(setting.value, str) else None
    return Setting(value, setting.source, setting.origin)


def _timeout(setting: Setting[object]) -> Setting[float]:
    if setting.value is None:
        return Setting(DEFAULT_TIMEOUT, Source.DEFAULT)
    return Setting(_seconds(setting, "timeout"), setting.source, setting.origin)


def _deadline(setting: Setting[object]) -> Setting[float | None]:
    if setting.value is None:
        return Setting(None, Source.UNSET)
    return Setting(_seconds(setting, "deadline"), setting.source, setting.origin)


def _seconds(setting: Setting[object], name: str) -> float:
    try:
        seconds = float(str(setting.value))
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds <= 0:
        raise UsageError(f"{name} from {setting.describe()} must be a positive number of seconds")
    return seconds


def _revealed(secret: Secret | None) -> str | None:
    return secret.reveal() if secret is not None else None


def _split(url: str) -> SplitResult | None:
    """``url`` split, or None when it does not parse (``http://[::1``): a URL check reports it,
    the settings stay resolvable."""
    try:
        return urlsplit(url)
    except ValueError:
        return None


def _manager_password(
    url: str, username: str | None, keyring: KeyringLookup | None
) -> Setting[Secret | None]:
    """A manager's password, after ASDIAG_MANAGER_PASSWORD: its URL's userinfo, else its own
    keyring entries (the keys pip and uv ask for the manager's URL, as `login --manager` stores
    them, then the URL without its trailing slash, as older versions stored it)."""
    parts = _split(url)
    if parts is not None and parts.password:
        return Setting(Secret(unquote(parts.password)), Source.URL, "userinfo")
    if keyring is None or not username:
        return Setting(None, Source.UNSET)
    try:
        index = manager_index_url(url)
    except UrlError:
        return Setting(None, Source.UNSET)
    outcome = keyring(keyring_keys(index, legacy_base=index).lookup, username)
    if outcome.password is None:
        return Setting(None, Source.UNSET)
    return Setting(outcome.password, Source.KEYRING, _keyring_origin(outcome))


def _keyring_origin(outcome: KeyringOutcome) -> str:
    """The backend and the key that answered (a URL or host without credentials)."""
    return f"{outcome.backend}, {outcome.service}" if outcome.service else outcome.backend


def _managers(
    url: Setting[str | None],
    username: Setting[str | None],
    password: Setting[Secret | None],
    layers: list[_ConfigLayer],
    keyring: KeyringLookup | None,
) -> tuple[ManagerEndpoint, ...]:
    endpoints = []
    if isinstance(url.value, str):
        endpoints.append(
            ManagerEndpoint(Setting(url.value, url.source, url.origin), username, password)
        )
    listed = next((layer for layer in layers if "managers" in layer.values), None)
    items = listed.values["managers"] if listed is not None else []
    for number, item in enumerate(items if isinstance(items, list) else [], start=1):
        item_url, item_user = str(item["url"]), item.get("username")
        if endpoints and item_url == endpoints[0].url.value:
            continue  # the same manager as --manager-url
        origin = f"{listed.origin if listed else ''} managers #{number}"
        user = Setting(item_user if isinstance(item_user, str) else None, Source.CONFIG, origin)
        endpoints.append(
            ManagerEndpoint(
                Setting(item_url, Source.CONFIG, origin),
                user,
                _manager_password(item_url, user.value, keyring),
            )
        )
    return tuple(endpoints)


def _pip_index(environ: Mapping[str, str]) -> Setting[str | None]:
    """Last in the precedence: the index pip would use, as pip has it (its index URL; asdiag
    takes that form as well as the base, and keeps devpi's ``+simple``).

    Public PyPI (pip's default) is not a catalog: then there is nothing to diagnose.
    """
    from asdiag.client_config import read_client_config

    index = read_client_config(environ).pip_index
    if index is None:
        return Setting(None, Source.UNSET)
    return Setting(index.url.strip(), Source.PIP, index.origin.describe())


def resolve_settings(
    flags: Flags,
    environ: Mapping[str, str] | None = None,
    *,
    keyring: KeyringLookup | None = None,
) -> Settings:
    """Resolve every setting; raise :class:`UsageError` for a config that cannot be used.

    ``keyring`` is consulted last for the catalog's password (``None``: not at all, as in the
    demo and in tests that do not ask for it).
    """
    env = os.environ if environ is None else environ
    profile = flags.profile or env.get("ASDIAG_PROFILE") or None
    explicit_config = flags.config or env.get("ASDIAG_CONFIG")
    path = Path(explicit_config) if explicit_config else default_config_path()
    data = _load_config(path, explicit=bool(explicit_config))
    if data is None and profile is not None:
        raise UsageError(f"profile {profile!r} asked for, but there is no config file at {path}")
    layers = _config_layers(data, path, profile) if data is not None else []

    url = _as_str(_pick("catalog_url", flags.catalog_url, "ASDIAG_CATALOG_URL", env, layers))
    if url.value is None:
        url = _pip_index(env)
    username = _as_str(_pick("username", flags.username, "ASDIAG_USERNAME", env, layers))
    timeout = _pick("timeout", flags.timeout, "ASDIAG_TIMEOUT", env, layers)
    deadline = _pick("deadline", flags.deadline, "ASDIAG_DEADLINE", env, layers)
    ca_bundle = _as_str(_pick("ca_bundle", flags.ca_bundle, "ASDIAG_CA_BUNDLE", env, layers))

    parsed = None
    if isinstance(url.value, str):
        try:
            parsed = parse_catalog_url(url.value)
        except UrlError:
            parsed = None  # reported by the url check; settings stay resolvable

    if username.value is None and parsed is not None:
        if parsed.userinfo_username is not None:
            token = user_is_token(parsed.userinfo_username, _revealed(parsed.userinfo_password))
            username = Setting(parsed.userinfo_username, Source.URL, "userinfo", secret=token)
        elif parsed.org_id is not None:
            username = Setting(parsed.org_id, Source.DEFAULT, "organisation id in the URL")

    # DESIGN.md: flags/stdin > environment > URL userinfo > .netrc > keyring.
    password: Setting[Secret | None] = Setting(None, Source.UNSET)
    keyring_problem = ""
    if flags.password is not None:
        password = Setting(flags.password, Source.STDIN, "--password-stdin")
    elif env.get("ASDIAG_PASSWORD"):
        password = Setting(Secret(env["ASDIAG_PASSWORD"]), Source.ENVIRONMENT, "ASDIAG_PASSWORD")
    elif parsed is not None and parsed.userinfo_password is not None:
        password = Setting(parsed.userinfo_password, Source.URL, "userinfo")
    elif parsed is not None:
        entry = netrc_lookup(parsed.host, env)
        if entry is not None and username.value in (None, entry.login):
            password = Setting(entry.password, Source.NETRC, entry.path)
            if username.value is None:
                username = Setting(entry.login, Source.NETRC, entry.path)
        elif keyring is not None and username.value:
            keys = keyring_keys(parsed.simple_url, legacy_base=parsed.base)
            outcome = keyring(keys.lookup, username.value)
            if outcome.password is not None:
                password = Setting(outcome.password, Source.KEYRING, _keyring_origin(outcome))
            keyring_problem = outcome.problem

    manager_url = _as_str(
        _pick("manager_url", flags.manager_url, "ASDIAG_MANAGER_URL", env, layers)
    )
    manager_username = _as_str(
        _pick("manager_username", flags.manager_username, "ASDIAG_MANAGER_USERNAME", env, layers)
    )
    manager_parts = _split(manager_url.value) if isinstance(manager_url.value, str) else None
    if manager_username.value is None and manager_parts is not None and manager_parts.username:
        token = user_is_token(manager_parts.username, manager_parts.password)
        manager_username = Setting(
            unquote(manager_parts.username), Source.URL, "userinfo", secret=token
        )
    manager_password: Setting[Secret | None] = Setting(None, Source.UNSET)
    if env.get("ASDIAG_MANAGER_PASSWORD"):
        manager_password = Setting(
            Secret(env["ASDIAG_MANAGER_PASSWORD"]), Source.ENVIRONMENT, "ASDIAG_MANAGER_PASSWORD"
        )
    elif isinstance(manager_url.value, str):
        manager_password = _manager_password(manager_url.value, manager_username.value, keyring)
    admin_username = _as_str(
        _pick("admin_username", flags.admin_username, "ASDIAG_ADMIN_USERNAME", env, layers)
    )
    admin_password: Setting[Secret | None] = Setting(None, Source.UNSET)
    if env.get("ASDIAG_ADMIN_PASSWORD"):
        admin_password = Setting(
            Secret(env["ASDIAG_ADMIN_PASSWORD"]), Source.ENVIRONMENT, "ASDIAG_ADMIN_PASSWORD"
        )
    return Settings(
        catalog_url=url,
        username=username,
        password=password,
        timeout=_timeout(timeout),
        deadline=_deadline(deadline),
        ca_bundle=ca_bundle,
        profile=profile,
        config_file=str(path) if data is not None else None,
        manager_url=manager_url,
        manager_username=manager_username,
        manager_password=manager_password,
        admin_username=admin_username,
        admin_password=admin_password,
        keyring_problem=keyring_problem,
        managers=_managers(manager_url, manager_username, manager_password, layers, keyring),
    )
