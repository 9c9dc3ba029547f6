"""Where the password comes from, and whether the keyring could be asked (offline)."""

from __future__ import annotations

from collections.abc import Sequence

from asdiag.checks.base import Context
from asdiag.checks.network import skip
from asdiag.findings import Finding
from asdiag.registry import kind


def check_credentials(ctx: Context) -> Sequence[Finding]:
    settings = ctx.settings
    if settings.password.value is not None:
        return [kind("credentials.ok").finding(f"Password from {settings.password.describe()}.")]
    if settings.keyring_problem:
        return [
            kind("credentials.keyring-unavailable").finding(
                f"No password given, and the keyring could not be asked: "
                f"{settings.keyring_problem}."
            )
        ]
    return [skip("Not evaluated: no password was given or stored (see auth).")]
