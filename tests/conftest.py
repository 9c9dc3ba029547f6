"""Test isolation: no test reads this machine's asdiag, pip, proxy, TLS or keyring setup."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from hypothesis import settings as hypothesis_settings
from keyring.backend import KeyringBackend
from keyring.backends import fail

# In CI the property tests draw the same examples every run (a new example found by chance is
# for a developer's run to report, not for a landing to fail on); locally they explore.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

#: Variables that would make a test describe the machine instead of the code.
_MACHINE_PREFIXES = ("ASDIAG_", "PIP_", "UV_")
_MACHINE_VARIABLES = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
    "NETRC",
    "NO_COLOR",
    "CI",
)


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Empty the variables that steer asdiag and point HOME and config dirs at a temp dir."""
    for name in list(os.environ):
        if name.upper().startswith(_MACHINE_PREFIXES) or name.upper() in _MACHINE_VARIABLES:
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("NETRC", str(home / ".netrc"))
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "xdg-system"))
    # Subprocesses find no keyring backend; in-process, see the ``keyring_backend`` fixture.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    return home


@pytest.fixture(autouse=True)
def no_keyring() -> Iterator[None]:
    """In-process, the keyring is the fail backend unless a test installs another."""
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


class MemoryKeyring(KeyringBackend):
    """A real keyring backend that keeps its secrets in a dict (for login/logout tests)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self.secrets.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend
