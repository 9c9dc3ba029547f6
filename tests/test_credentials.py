"""Credentials: the keyring (real backends set programmatically), .netrc, and their precedence."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null

from asdiag.client_config import read_client_config
from asdiag.credentials import (
    CredentialsError,
    KeyringKeys,
    fingerprint,
    keyring_keys,
    keyring_lookup,
    keyring_remove,
    keyring_store,
    netrc_lookup,
)
from asdiag.redact import Secret
from asdiag.settings import Flags, Source, resolve_settings
from tests.conftest import MemoryKeyring

BASE = "https://repository.activestate.com/b5865a43-1f24-48df-b6f3-8c932c7aae29/pypi"
ORG = "b5865a43-1f24-48df-b6f3-8c932c7aae29"
SECRET = "kr-S3cret-pa55"
KEYS = keyring_keys(BASE + "/simple/", legacy_base=BASE)


class BlockingKeyring(KeyringBackend):
    """A backend that hangs like a locked Secret Service waiting for a desktop prompt."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def get_password(self, service: str, username: str) -> str | None:
        self.release.wait()
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        self.release.wait()

    def delete_password(self, service: str, username: str) -> None:
        self.release.wait()


class BrokenKeyring(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise RuntimeError("dbus says no")


@pytest.fixture
def blocking_keyring() -> Iterator[BlockingKeyring]:
    backend = BlockingKeyring()
    keyring.set_keyring(backend)
    yield backend
    backend.release.set()  # let the abandoned worker thread finish


# --- the keys pip and uv ask for ----------------------------------------------------------------


def test_keys_without_a_port_over_https() -> None:
    keys = keyring_keys(BASE + "/simple/", legacy_base=BASE)
    assert keys == KeyringKeys(
        pip=(BASE + "/simple/", "repository.activestate.com"),
        uv=(BASE + "/simple/", "repository.activestate.com"),
        uv_unslashed=BASE + "/simple",
        legacy_base=BASE,
    )
    assert keys.stored == (BASE + "/simple/", "repository.activestate.com", BASE + "/simple")
    assert keys.legacy == (BASE,)  # the bare host is a key of its own: not legacy
    assert keys.lookup == (*keys.stored, BASE)


def test_keys_with_a_port_over_http() -> None:
    keys = keyring_keys(
        "http://127.0.0.1:8081/org/pypi/simple/", legacy_base="http://127.0.0.1:8081/org/pypi"
    )
    assert keys.pip == ("http://127.0.0.1:8081/org/pypi/simple/", "127.0.0.1:8081")
    assert keys.uv == (
        "http://127.0.0.1:8081/org/pypi/simple/",
        "127.0.0.1:8081",
        "http://127.0.0.1:8081",  # uv, for a URL that is not https
    )
    assert keys.stored == (
        "http://127.0.0.1:8081/org/pypi/simple/",
        "127.0.0.1:8081",
        "http://127.0.0.1:8081",
        "http://127.0.0.1:8081/org/pypi/simple",
    )
    assert keys.legacy == ("http://127.0.0.1:8081/org/pypi", "127.0.0.1")
    assert "127.0.0.1" not in keys.lookup  # neither client asks the bare host: never read


def test_keys_with_a_port_over_https_have_no_scheme_key() -> None:
    keys = keyring_keys("https://art.example:8443/artifactory/api/pypi/v/simple/")
    assert keys.uv == (
        "https://art.example:8443/artifactory/api/pypi/v/simple/",
        "art.example:8443",
    )
    assert keys.legacy == ()  # no legacy base given: nothing to migrate


@pytest.mark.parametrize(
    "url",
    [
        "https://art.example:8443/artifactory/api/pypi/v/simple",
        "https://art.example:8443/artifactory/api/pypi/v/simple//",
        "https://ci:tok3n@art.example:8443/artifactory/api/pypi/v/simple/",
        " https://art.example:8443/artifactory/api/pypi/v/simple/ ",
    ],
)
def test_pip_asks_with_one_trailing_slash_and_no_userinfo(url: str) -> None:
    """pip's _get_index_url: ``index.rstrip("/") + "/"``; split_auth_netloc_from_url."""
    keys = keyring_keys(url)
    assert keys.pip == (
        "https://art.example:8443/artifactory/api/pypi/v/simple/",
        "art.example:8443",
    )
    assert "https://art.example:8443/artifactory/api/pypi/v/simple" in keys.stored
    assert not any("tok3n" in key or "ci@" in key for key in keys.stored)


def test_a_default_port_written_out_is_kept_for_pip_and_dropped_for_uv() -> None:
    """pip asks the netloc as written; uv's URLs drop a scheme's default port."""
    keys = keyring_keys("https://host.example:443/path/simple/")
    assert keys.pip == ("https://host.example:443/path/simple/", "host.example:443")
    assert keys.uv == ("https://host.example/path/simple/", "host.example")
    assert keys.uv_unslashed == "https://host.example/path/simple"


def test_a_manager_url_with_a_port_and_a_path() -> None:
    index = "http://nexus.example:8082/repository/pypi-group/simple/"
    keys = keyring_keys(index, legacy_base=index)
    assert keys.pip == (index, "nexus.example:8082")
    assert keys.uv == (index, "nexus.example:8082", "http://nexus.example:8082")
    # `login --manager` used the URL without its slash, now a key of its own, and the host.
    assert keys.legacy_base == index.rstrip("/") == keys.uv_unslashed
    assert keys.legacy == ("nexus.example",)


def test_an_ipv6_host_keeps_its_brackets() -> None:
    keys = keyring_keys("http://[::1]:8080/simple/", legacy_base="http://[::1]:8080")
    assert keys.pip == ("http://[::1]:8080/simple/", "[::1]:8080")
    assert keys.uv == ("http://[::1]:8080/simple/", "[::1]:8080", "http://[::1]:8080")
    assert keys.legacy == ("::1",)  # the old host key was urlsplit's hostname, no brackets


def test_a_root_index_url() -> None:
    keys = keyring_keys("http://host.example:3141")
    assert keys.pip == ("http://host.example:3141/", "host.example:3141")
    assert keys.stored == (
        "http://host.example:3141/",
        "host.example:3141",
        "http://host.example:3141",
    )


# --- the keyring, through a real backend ---------------------------------------------------------


def test_store_lookup_remove_round_trip(memory_keyring: MemoryKeyring) -> None:
    name, warning, removed = keyring_store(KEYS, ORG, Secret(SECRET))
    assert name.endswith("MemoryKeyring")
    assert (warning, removed) == ("", ())
    assert memory_keyring.secrets == {(key, ORG): SECRET for key in KEYS.stored}
    outcome = keyring_lookup(KEYS.lookup, ORG)
    assert outcome.password == Secret(SECRET)
    assert outcome.backend.endswith("MemoryKeyring")
    assert (outcome.problem, outcome.service) == ("", BASE + "/simple/")
    assert keyring_remove(KEYS, ORG) == KEYS.stored
    assert memory_keyring.secrets == {}
    assert keyring_remove(KEYS, ORG) == ()


def test_lookup_asks_in_order_and_names_the_key_that_answered(
    memory_keyring: MemoryKeyring,
) -> None:
    memory_keyring.secrets[("repository.activestate.com", ORG)] = "host-pw"
    memory_keyring.secrets[(BASE, ORG)] = "legacy-pw"
    outcome = keyring_lookup(KEYS.lookup, ORG)
    assert (outcome.password, outcome.service) == (Secret("host-pw"), "repository.activestate.com")
    assert keyring_lookup(KEYS.lookup, "someone-else").password is None
    one = keyring_lookup(BASE, ORG)  # one service, given as a string, not as its characters
    assert (one.password, one.service) == (Secret("legacy-pw"), BASE)


def test_login_migrates_the_entries_an_older_version_stored(memory_keyring: MemoryKeyring) -> None:
    keys = keyring_keys(
        "http://127.0.0.1:8081/org/pypi/simple/", legacy_base="http://127.0.0.1:8081/org/pypi"
    )
    old = {("http://127.0.0.1:8081/org/pypi", ORG): "old-pw", ("127.0.0.1", ORG): "old-pw"}
    memory_keyring.secrets.update(old)
    assert (
        keyring_lookup(keys.lookup, ORG).service == "http://127.0.0.1:8081/org/pypi"
    )  # still read
    _, _, removed = keyring_store(keys, ORG, Secret(SECRET))
    assert removed == keys.legacy
    assert memory_keyring.secrets == {(key, ORG): SECRET for key in keys.stored}


def test_a_bare_host_entry_with_another_password_is_left_alone(
    memory_keyring: MemoryKeyring,
) -> None:
    """It may be pip's key for another index on the same host, without a port."""
    keys = keyring_keys(
        "http://127.0.0.1:8081/org/pypi/simple/", legacy_base="http://127.0.0.1:8081/org/pypi"
    )
    memory_keyring.secrets[("http://127.0.0.1:8081/org/pypi", ORG)] = "old-pw"
    memory_keyring.secrets[("127.0.0.1", ORG)] = "other-index-pw"
    assert keyring_remove(keys, ORG) == ("http://127.0.0.1:8081/org/pypi",)
    assert memory_keyring.secrets == {("127.0.0.1", ORG): "other-index-pw"}
    memory_keyring.secrets[("127.0.0.1", ORG)] = "other-index-pw"
    keyring_store(keys, ORG, Secret(SECRET))
    assert memory_keyring.secrets[("127.0.0.1", ORG)] == "other-index-pw"


def test_a_manager_login_over_an_older_one_removes_its_host_entry(
    memory_keyring: MemoryKeyring,
) -> None:
    index = "http://nexus.example:8082/repository/pypi-group/simple/"
    keys = keyring_keys(index, legacy_base=index)
    memory_keyring.secrets[(index.rstrip("/"), "dev")] = "old-pw"
    memory_keyring.secrets[("nexus.example", "dev")] = "old-pw"
    _, _, removed = keyring_store(keys, "dev", Secret(SECRET))
    assert removed == ("nexus.example",)
    assert memory_keyring.secrets == {(key, "dev"): SECRET for key in keys.stored}


def test_nothing_stored_is_no_problem(memory_keyring: MemoryKeyring) -> None:
    outcome = keyring_lookup(KEYS.lookup, ORG)
    assert (outcome.password, outcome.problem, outcome.service) == (None, "", "")


@pytest.mark.parametrize(
    ("backend", "problem"),
    [
        (fail.Keyring(), "no keyring backend is available on this machine"),
        (null.Keyring(), "the keyring is disabled (null backend)"),
    ],
)
def test_unusable_backends_are_a_problem_not_a_crash(backend: KeyringBackend, problem: str) -> None:
    keyring.set_keyring(backend)
    assert keyring_lookup(KEYS.lookup, ORG).problem == problem
    with pytest.raises(CredentialsError, match=re.escape(problem)):
        keyring_store(KEYS, ORG, Secret(SECRET))


def test_a_failing_backend_is_reported() -> None:
    keyring.set_keyring(BrokenKeyring())
    outcome = keyring_lookup(KEYS.lookup, ORG)
    assert outcome.problem == "the keyring failed: RuntimeError: dbus says no"


def test_a_blocking_backend_times_out(blocking_keyring: BlockingKeyring) -> None:
    outcome = keyring_lookup(KEYS.lookup, ORG, timeout=0.2)
    assert outcome.problem == "the keyring did not answer within 0.2 s (locked?)"
    with pytest.raises(CredentialsError, match=re.escape("did not answer within 0.2 s")):
        keyring_store(KEYS, ORG, Secret(SECRET), timeout=0.2)


def test_the_outcome_repr_hides_the_password(memory_keyring: MemoryKeyring) -> None:
    keyring_store(KEYS, ORG, Secret(SECRET))
    assert SECRET not in repr(keyring_lookup(KEYS.lookup, ORG))


def test_fingerprint_is_short_stable_and_not_the_secret() -> None:
    assert fingerprint(Secret(SECRET)) == fingerprint(Secret(SECRET))
    assert fingerprint(Secret(SECRET)) != fingerprint(Secret(SECRET + "x"))
    assert fingerprint(Secret(SECRET)).startswith("sha256:")
    assert SECRET not in fingerprint(Secret(SECRET))


# --- .netrc --------------------------------------------------------------------------------------


def write_netrc(home: Path, text: str) -> Path:
    path = home / ".netrc"
    path.write_text(text)
    path.chmod(0o600)
    return path


def test_netrc_entry_for_the_host(isolated_environment: Path) -> None:
    path = write_netrc(
        isolated_environment,
        f"machine repository.activestate.com login {ORG} password {SECRET}\n",
    )
    entry = netrc_lookup("repository.activestate.com", os.environ)
    assert entry is not None
    assert (entry.path, entry.login, entry.password) == (str(path), ORG, Secret(SECRET))
    assert SECRET not in repr(entry)
    assert netrc_lookup("other.example", os.environ) is None


def test_netrc_is_found_where_pip_and_the_client_check_find_it(
    isolated_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NETRC")
    path = isolated_environment / "_netrc"  # requests' second choice, when ~/.netrc is absent
    path.write_text(f"machine repository.activestate.com login {ORG} password {SECRET}\n")
    entry = netrc_lookup("repository.activestate.com", os.environ)
    assert entry is not None and entry.path == str(path)
    assert read_client_config(os.environ).netrc.path == str(path)
    monkeypatch.setenv("NETRC", "")  # set but empty: requests reads no file at all
    assert netrc_lookup("repository.activestate.com", os.environ) is None


@pytest.mark.parametrize("text", ["machine", "machine x login y password"])
def test_a_broken_netrc_gives_no_entry(isolated_environment: Path, text: str) -> None:
    write_netrc(isolated_environment, text)
    assert netrc_lookup("x", os.environ) is None


# --- precedence in the settings ------------------------------------------------------------------


def settings(**env: str) -> object:
    return resolve_settings(Flags(catalog_url=BASE), {**os.environ, **env}, keyring=keyring_lookup)


def test_the_keyring_is_asked_last(memory_keyring: MemoryKeyring) -> None:
    keyring_store(KEYS, ORG, Secret("from-keyring-1"))
    resolved = settings()
    assert resolved.password.source is Source.KEYRING  # type: ignore[attr-defined]
    assert resolved.password.value == Secret("from-keyring-1")  # type: ignore[attr-defined]
    assert settings(ASDIAG_PASSWORD="from-env-22").password.source is Source.ENVIRONMENT  # type: ignore[attr-defined]


def test_netrc_comes_before_the_keyring(
    memory_keyring: MemoryKeyring, isolated_environment: Path
) -> None:
    keyring_store(KEYS, ORG, Secret("from-keyring-1"))
    write_netrc(
        isolated_environment, f"machine repository.activestate.com login {ORG} password n3trc-pw\n"
    )
    resolved = settings()
    assert resolved.password.source is Source.NETRC  # type: ignore[attr-defined]
    assert resolved.password.value == Secret("n3trc-pw")  # type: ignore[attr-defined]


def test_a_netrc_entry_for_another_login_is_not_used(
    memory_keyring: MemoryKeyring, isolated_environment: Path
) -> None:
    write_netrc(isolated_environment, "machine repository.activestate.com login bob password b0b\n")
    assert settings().password.source is Source.UNSET  # type: ignore[attr-defined]


def test_an_unavailable_keyring_is_recorded_not_raised() -> None:
    resolved = settings()
    assert resolved.password.value is None  # type: ignore[attr-defined]
    assert resolved.keyring_problem == "no keyring backend is available on this machine"  # type: ignore[attr-defined]


def test_the_keyring_is_not_asked_when_a_password_is_given(
    blocking_keyring: BlockingKeyring,
) -> None:
    resolved = settings(ASDIAG_PASSWORD="given-pw-1")
    assert (resolved.password.source, resolved.keyring_problem) == (Source.ENVIRONMENT, "")  # type: ignore[attr-defined]


def test_a_plaintext_backend_is_named_as_such() -> None:
    plaintext = type("PlaintextKeyring", (MemoryKeyring,), {"__module__": "keyrings.alt.file"})
    keyring.set_keyring(plaintext())
    _, warning, _ = keyring_store(KEYS, ORG, Secret(SECRET))
    assert warning == "keyrings.alt's PlaintextKeyring stores the password unencrypted on disk"


def test_a_netrc_that_is_not_utf8_gives_no_entry(isolated_environment: Path) -> None:
    path = isolated_environment / ".netrc"
    path.write_bytes(b"machine repository.activestate.com login \xff password x\n")
    path.chmod(0o600)
    assert netrc_lookup("repository.activestate.com", os.environ) is None
