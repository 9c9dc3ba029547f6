"""The one redactor: every string that leaves asdiag passes through it.

Human output, JSON, markdown, log records, exception messages and reprs all go through
:class:`Redactor`, so a secret has one place to be caught. It removes what it can recognise by
shape (URL userinfo, ``Authorization`` and cookie headers, ``token=`` query parameters) and
what it knows by value (the passwords of this run, raw, percent-encoded and inside a Basic
header). :class:`Secret` keeps a value out of ``repr`` and ``str`` in the first place.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from urllib.parse import quote

MASK = "****"

#: Known secrets shorter than this are not replaced by value: masking every "a" in the output
#: would make it unreadable. Such secrets are still caught by shape.
_MIN_SECRET_LENGTH = 3

_URL_USERINFO = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<userinfo>[^/?#\s]*)@")
_AUTH_HEADER = re.compile(
    r"(?P<name>(?:proxy-)?authorization)(?P<sep>[\"']?\s*[:=]\s*[\"']?)(?P<scheme>[A-Za-z]+)"
    r"\s+[^\s\"',}]+",
    re.IGNORECASE,
)
# A credential after the scheme word, not an auth-param such as realm="pypi" in a challenge.
_AUTH_VALUE = re.compile(
    r"\b(?P<scheme>Basic|Bearer|Token)\s+(?!\*{4})(?![A-Za-z0-9_-]+=[\"A-Za-z])[A-Za-z0-9._~+/=-]{6,}"
)
_COOKIE_HEADER = re.compile(
    r"(?P<name>set-cookie|cookie)(?P<sep>[\"']?\s*[:=]\s*[\"']?)[^\n\"]+", re.IGNORECASE
)
_SECRET_QUERY = re.compile(
    r"(?P<key>[?&](?:token|access_token|auth|password|passwd|pwd|secret|api_?key|key|sig|"
    r"signature)=)[^&\s#\"']+",
    re.IGNORECASE,
)


class Secret:
    """A value that must never be printed: its ``repr`` and ``str`` are masked."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The value itself, for the one place that needs it (an ``Authorization`` header)."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret({MASK!r})"

    def __str__(self) -> str:
        return MASK

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)


def _mask_userinfo(match: re.Match[str]) -> str:
    userinfo = match["userinfo"]
    if ":" in userinfo:
        user, _, password = userinfo.partition(":")
        # pip's convention: keep a username that has a password beside it, mask a lone token.
        masked = f"{user}:{MASK}" if password else f"{MASK}:"
    else:
        masked = MASK
    return f"{match['scheme']}{masked}@"


def redact_url(url: str) -> str:
    """A URL with its userinfo and secret-looking query parameters masked."""
    return _SECRET_QUERY.sub(lambda m: f"{m['key']}{MASK}", _URL_USERINFO.sub(_mask_userinfo, url))


class Redactor:
    """Masks secrets in text, by shape and by known value."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._values: tuple[str, ...] = ()
        self.add(*secrets)

    def add(self, *secrets: str, username: str | None = None) -> None:
        """Learn more secret values; with ``username``, also their Basic-auth encodings."""
        values = set(self._values)
        for secret in secrets:
            if len(secret) < _MIN_SECRET_LENGTH:
                continue
            values.update({secret, quote(secret, safe=""), quote(secret)})
            if username is not None:
                pair = f"{username}:{secret}".encode()
                values.add(base64.b64encode(pair).decode("ascii"))
        # Longest first, so that a secret containing another is masked whole.
        self._values = tuple(sorted(values, key=len, reverse=True))

    def text(self, text: str) -> str:
        """``text`` with every recognisable secret masked."""
        # Repeat: masking can itself spell a secret that starts or ends with "*" again.
        for _ in range(3):
            replaced = text
            for value in self._values:
                replaced = replaced.replace(value, MASK)
            if replaced == text:
                break
            text = replaced
        text = _AUTH_HEADER.sub(lambda m: f"{m['name']}{m['sep']}{m['scheme']} {MASK}", text)
        text = _AUTH_VALUE.sub(lambda m: f"{m['scheme']} {MASK}", text)
        text = _COOKIE_HEADER.sub(lambda m: f"{m['name']}{m['sep']}{MASK}", text)
        return redact_url(text)

    def __repr__(self) -> str:
        return f"Redactor(<{len(self._values)} secrets>)"
