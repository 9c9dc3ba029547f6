"""Is there a catalog URL to diagnose, and where did each setting come from?"""

from __future__ import annotations

from collections.abc import Sequence

from asdiag.checks.base import Context
from asdiag.findings import Finding
from asdiag.registry import kind


def check_config(ctx: Context) -> Sequence[Finding]:
    settings = ctx.settings
    if not settings.catalog_url.value:
        return [kind("config.missing-url").finding("No catalog URL was given.")]
    lines = [
        f"catalog URL: {settings.catalog_url.describe()}",
        f"username: {settings.username.shown or '(none)'} from {settings.username.describe()}",
        f"password: {settings.password_status}",
        f"timeout: {settings.timeout.value:g} s from {settings.timeout.describe()}",
    ]
    if settings.config_file:
        lines.append(f"config file: {settings.config_file}")
    return [
        kind("config.ok").finding(
            f"Catalog URL from {settings.catalog_url.describe()}.", detail="\n".join(lines)
        )
    ]
