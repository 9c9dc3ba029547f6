"""Test isolation: no test reads this machine's asdiag, pip, proxy or TLS configuration."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
    return home
