"""checks/config.py: is there a URL to diagnose, and where each setting came from."""

from __future__ import annotations

import pytest

from asdiag.checks import CHECKS
from asdiag.checks.config import check_config
from asdiag.findings import Severity
from tests.checks.conftest import PASSWORD, VENDOR_URL, assert_actionable, make_context, only


def test_declared_ids() -> None:
    config = next(c for c in CHECKS if c.name == "config")
    assert set(config.ids) == {"config.ok", "config.missing-url"}
    assert config.blocking == ("config.missing-url",)


@pytest.mark.parametrize("url", [None, ""])
def test_missing_url_fails_with_a_remediation(url: str | None) -> None:
    finding = only(check_config(make_context(url)))
    assert (finding.id, finding.severity) == ("config.missing-url", Severity.FAIL)
    assert_actionable(finding)
    assert finding.remediation is not None
    assert "--catalog-url" in finding.remediation.text
    assert "ASDIAG_CATALOG_URL" in finding.remediation.text


def test_ok_names_the_source_of_every_setting_but_never_the_password() -> None:
    finding = only(check_config(make_context(VENDOR_URL, timeout=2.5)))
    assert (finding.id, finding.severity) == ("config.ok", Severity.OK)
    assert finding.summary == "Catalog URL from flag (--catalog-url)."
    lines = finding.detail.splitlines()
    assert lines == [
        "catalog URL: flag (--catalog-url)",
        "username: b5865a43-1f24-48df-b6f3-8c932c7aae29 from default (organisation id in the URL)",
        "password: set, from environment (ASDIAG_PASSWORD)",
        "timeout: 2.5 s from flag (--timeout)",
    ]
    assert PASSWORD not in repr(finding)


@pytest.mark.parametrize(
    ("password", "config_file", "expected"),
    [
        (None, None, "password: not set"),
        (PASSWORD, "/home/me/.config/asdiag/config.toml", "config file: /home/me/.config"),
    ],
)
def test_ok_detail_variants(password: str | None, config_file: str | None, expected: str) -> None:
    ctx = make_context(VENDOR_URL, password=password, config_file=config_file, username=None)
    finding = only(check_config(ctx))
    assert finding.id == "config.ok"
    assert "username: (none) from unset" in finding.detail
    assert expected in finding.detail
