"""Fuzzed settings resolution (issue 12): ``resolve_settings`` reads the TOML config file (top
level, ``[profiles.NAME]``, ``[[managers]]``), ``ASDIAG_*`` variables and flags, and raises only
``UsageError``; what it resolves never shows a password (``repr``, ``to_dict``).

The config file is always named explicitly and pip's and uv's configuration are switched off
(``PIP_CONFIG_FILE=/dev/null``, ``UV_NO_CONFIG``), so this machine's files are never read.
"""

from __future__ import annotations

import math
import os
import tempfile
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from asdiag.errors import UsageError
from asdiag.redact import Secret
from asdiag.settings import CONFIG_KEYS, Flags, Settings, resolve_settings
from tests._fuzz import toml_document

SECRET = "s3cr3t-Pw"

_URLS = st.sampled_from(
    [
        "https://repository.activestate.com/0d6f1e6e-1b0c-4b0a-9b1a-000000000001/pypi",
        f"https://org:{SECRET}@repository.activestate.com/org/pypi/simple/",
        f"https://mgr:{SECRET}@mgr.example/artifactory/api/pypi/k/simple/",
        "http://[::1",
        f"http://u:{SECRET}@[::1",
        "https://\uff03x/",
        "https://h:99999/",
        "ftp://h/",
        "",
        " ",
    ]
)
_ANY = st.recursive(
    st.one_of(st.booleans(), st.integers(), st.floats(), st.text(max_size=6)),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text("abc", max_size=3), inner),
    max_leaves=6,
)
_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "catalog_url": _URLS,
    "username": st.text(max_size=6),
    "timeout": st.one_of(st.integers(-5, 10**20), st.floats(), st.booleans(), st.text(max_size=4)),
    "deadline": st.one_of(st.integers(-5, 10**20), st.floats(), st.booleans(), st.text(max_size=4)),
    "ca_bundle": st.text(max_size=6),
    "manager_url": _URLS,
    "manager_username": st.text(max_size=6),
    "admin_username": st.text(max_size=6),
    "managers": st.lists(
        st.fixed_dictionaries(
            {"url": _URLS | _ANY},
            optional={"username": st.text(max_size=4) | _ANY, "password": st.just(SECRET)},
        )
        | _ANY,
        max_size=3,
    ),
    "password": st.just(SECRET),
    "unknown": _ANY,
}


def _table(keys: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Mostly the expected shape of each key, sometimes any shape."""
    return st.fixed_dictionaries(
        {},
        optional={k: st.one_of(_VALUES[k], _VALUES[k], _VALUES[k], _ANY) for k in keys},
    )


_KNOWN = list(CONFIG_KEYS)
#: A file that passes validation, so that resolution goes on to the URLs, netrc and managers.
_VALID_TABLE = st.fixed_dictionaries(
    {},
    optional={
        **{k: _VALUES[k] for k in _KNOWN if k not in ("timeout", "deadline", "managers")},
        "timeout": st.integers(1, 100) | st.floats(0.001, 1e6),
        "deadline": st.integers(1, 100) | st.floats(0.001, 1e6),
        "managers": st.lists(
            st.fixed_dictionaries({"url": _URLS}, optional={"username": st.text(max_size=4)}),
            max_size=3,
        ),
    },
)
_PROFILES = st.dictionaries(st.sampled_from(["staging", "prod", "a b"]), _VALID_TABLE, max_size=2)
_CONFIG = st.one_of(
    st.builds(lambda top, profiles: {**top, "profiles": profiles}, _VALID_TABLE, _PROFILES),
    _VALID_TABLE,
    st.builds(
        lambda top, profiles: {**top, **({"profiles": profiles} if profiles is not None else {})},
        _table([*_KNOWN, "password", "unknown"]),
        st.none() | st.dictionaries(st.sampled_from(["staging", "prod"]), _table(_KNOWN)) | _ANY,
    ),
)
_RAW = st.sampled_from(["", "timeout = " + "1" * 4301 + "\n", "[profiles\n", "\xff"])
_ENV = st.dictionaries(
    st.sampled_from(
        [
            "ASDIAG_CATALOG_URL",
            "ASDIAG_USERNAME",
            "ASDIAG_PASSWORD",
            "ASDIAG_TIMEOUT",
            "ASDIAG_CA_BUNDLE",
            "ASDIAG_PROFILE",
            "ASDIAG_MANAGER_URL",
            "ASDIAG_MANAGER_USERNAME",
            "ASDIAG_MANAGER_PASSWORD",
            "ASDIAG_ADMIN_USERNAME",
            "ASDIAG_ADMIN_PASSWORD",
        ]
    ),
    st.one_of(
        _URLS,
        st.sampled_from(["staging", "nope", "10", "-1", "nan", "inf", "1e400", "0"]),
        st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=6),
    ),
    max_size=4,
).flatmap(
    # The secret goes where secrets go: a password variable (a profile name or a bare URL
    # that happens to equal it is no secret, and asdiag may show it).
    lambda env: st.fixed_dictionaries(
        {},
        optional={
            name: st.just(SECRET)
            for name in ("ASDIAG_PASSWORD", "ASDIAG_MANAGER_PASSWORD", "ASDIAG_ADMIN_PASSWORD")
        },
    ).map(lambda secrets: {**env, **secrets})
)
_FLAGS = st.builds(
    Flags,
    catalog_url=st.none() | _URLS,
    username=st.none() | st.text(max_size=4),
    password=st.none() | st.just(Secret(SECRET)),
    timeout=st.one_of(st.none(), st.none(), st.floats()),
    profile=st.one_of(st.none(), st.none(), st.sampled_from(["staging", "prod", "missing"])),
    manager_url=st.none() | _URLS,
    manager_username=st.none() | st.text(max_size=4),
)


def _check(resolved: Settings) -> None:
    assert math.isfinite(resolved.timeout.value) and resolved.timeout.value > 0
    assert SECRET not in repr(resolved)
    assert SECRET not in str(resolved.to_dict())
    assert SECRET not in resolved.shown_url
    for endpoint in resolved.managers:
        assert SECRET not in repr(endpoint)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    config=_CONFIG,
    layout=st.sampled_from(["inline", "tables"]),
    raw=_RAW,
    environ=_ENV,
    flags=_FLAGS,
    netrc=st.sampled_from([b"", f"machine h.example login x password {SECRET}".encode(), b"\x80"]),
    explicit=st.sampled_from(["flag", "environment", "missing"]),
)
def test_resolve_settings_raises_only_usage_error(
    config: dict[str, Any],
    layout: str,
    raw: str,
    environ: dict[str, str],
    flags: Flags,
    netrc: bytes,
    explicit: str,
) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "config.toml")
        with open(path, "wb") as handle:
            handle.write((raw + toml_document(config, layout)).encode("utf-8", "surrogatepass"))
        with open(os.path.join(directory, "netrc"), "wb") as handle:
            handle.write(netrc)
        env = {
            **environ,
            "HOME": directory,
            "NETRC": os.path.join(directory, "netrc"),
            "PIP_CONFIG_FILE": os.devnull,
            "UV_NO_CONFIG": "1",
            "XDG_CONFIG_HOME": directory,
            "XDG_CONFIG_DIRS": directory,
        }
        target = path if explicit != "missing" else os.path.join(directory, "missing.toml")
        if explicit == "environment":
            env["ASDIAG_CONFIG"] = target
        else:
            flags = Flags(**{**flags.__dict__, "config": target})
        try:
            resolved = resolve_settings(flags, env, keyring=None)
        except UsageError as exc:
            assert str(exc) and SECRET not in str(exc)
            event("usage error")
            return
        event("resolved")
        _check(resolved)


@settings(max_examples=5, deadline=None)
@given(st.sampled_from(["catalog_url", "manager_url"]))
def test_a_lone_token_in_a_url_is_not_shown(flag: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "config.toml")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write("")
        env = {"HOME": directory, "PIP_CONFIG_FILE": os.devnull, "UV_NO_CONFIG": "1"}
        flags = Flags(config=path, **{flag: f"https://{SECRET}@h.example/pypi"})
        resolved = resolve_settings(flags, env, keyring=None)
        assert SECRET not in repr(resolved) and SECRET not in str(resolved.to_dict())
