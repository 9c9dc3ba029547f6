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
    fingerprint,
    keyring_lookup,
    keyring_remove,
    keyring_services,
    keyring_store,
    netrc_lookup,
)
from asdiag.redact import Secret
from asdiag.settings import Flags, Source, resolve_settings
from tests.conftest import MemoryKeyring

BASE = "https://repository.activestate.com/b5865a43-1f24-48df-b6f3-8c932c7aae29/pypi"
ORG = "b5865a43-1f24-48df-b6f3-8c932c7aae29"
SECRET = "kr-S3cret-pa55"


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


def test_services_are_the_base_url_then_the_host() -> None:
    assert keyring_services(BASE + "/") == (BASE, "repository.activestate.com")


def test_store_lookup_remove_round_trip(memory_keyring: MemoryKeyring) -> None:
    name, warning = keyring_store(BASE, ORG, Secret(SECRET))
    assert name.endswith("MemoryKeyring")
    assert warning == ""
    assert memory_keyring.secrets == {
        (BASE, ORG): SECRET,
        ("repository.activestate.com", ORG): SECRET,
    }
    outcome = keyring_lookup(BASE, ORG)
    assert outcome.password == Secret(SECRET)
    assert outcome.backend.endswith("MemoryKeyring")
    assert outcome.problem == ""
    assert keyring_remove(BASE, ORG) is True
    assert memory_keyring.secrets == {}
    assert keyring_remove(BASE, ORG) is False


def test_nothing_stored_is_no_problem(memory_keyring: MemoryKeyring) -> None:
    outcome = keyring_lookup(BASE, ORG)
    assert (outcome.password, outcome.problem) == (None, "")


@pytest.mark.parametrize(
    ("backend", "problem"),
    [
        (fail.Keyring(), "no keyring backend is available on this machine"),
        (null.Keyring(), "the keyring is disabled (null backend)"),
    ],
)
def test_unusable_backends_are_a_problem_not_a_crash(backend: KeyringBackend, problem: str) -> None:
    keyring.set_keyring(backend)
    assert keyring_lookup(BASE, ORG).problem == problem
    with pytest.raises(CredentialsError, match=re.escape(problem)):
        keyring_store(BASE, ORG, Secret(SECRET))


def test_a_failing_backend_is_reported() -> None:
    keyring.set_keyring(BrokenKeyring())
    outcome = keyring_lookup(BASE, ORG)
    assert outcome.problem == "the keyring failed: RuntimeError: dbus says no"


def test_a_blocking_backend_times_out(blocking_keyring: BlockingKeyring) -> None:
    outcome = keyring_lookup(BASE, ORG, timeout=0.2)
    assert outcome.problem == "the keyring did not answer within 0.2 s (locked?)"
    with pytest.raises(CredentialsError, match=re.escape("did not answer within 0.2 s")):
        keyring_store(BASE, ORG, Secret(SECRET), timeout=0.2)


def test_the_outcome_repr_hides_the_password(memory_keyring: MemoryKeyring) -> None:
    keyring_store(BASE, ORG, Secret(SECRET))
    assert SECRET not in repr(keyring_lookup(BASE, ORG))


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
    keyring_store(BASE, ORG, Secret("from-keyring-1"))
    resolved = settings()
    assert resolved.password.source is Source.KEYRING  # type: ignore[attr-defined]
    assert resolved.password.value == Secret("from-keyring-1")  # type: ignore[attr-defined]
    assert settings(ASDIAG_PASSWORD="from-env-22").password.source is Source.ENVIRONMENT  # type: ignore[attr-defined]


def test_netrc_comes_before_the_keyring(
    memory_keyring: MemoryKeyring, isolated_environment: Path
) -> None:
    keyring_store(BASE, ORG, Secret("from-keyring-1"))
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
    _, warning = keyring_store(BASE, ORG, Secret(SECRET))
    assert warning == "keyrings.alt's PlaintextKeyring stores the password unencrypted on disk"


def test_a_netrc_that_is_not_utf8_gives_no_entry(isolated_environment: Path) -> None:
    path = isolated_environment / ".netrc"
    path.write_bytes(b"machine repository.activestate.com login \xff password x\n")
    path.chmod(0o600)
    assert netrc_lookup("repository.activestate.com", os.environ) is None
