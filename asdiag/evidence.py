"""What the network answered, as data: exchanges, responses, failures, DNS and TLS facts.

``http.py`` produces these; checks and renderers consume them. They live apart from ``http.py``
so that the checks stay pure and importable without httpx. Every string in them has already
passed through the redactor when it is built.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from asdiag.redact import redact_url


@dataclass(frozen=True)
class Exchange:
    """One request and what came back (or why nothing did), redacted."""

    #: Which probe made the request, e.g. ``"anonymous"`` or ``"authenticated"``.
    probe: str
    method: str
    url: str
    #: HTTP status, or ``None`` when the request failed before a response arrived.
    status: int | None
    elapsed_ms: float
    #: Whether an ``Authorization`` header was sent (its value is never recorded).
    sent_credentials: bool = False
    #: Selected response headers, lower-cased names, values redacted.
    headers: tuple[tuple[str, str], ...] = ()
    #: The first bytes of the body, decoded and redacted, for unexpected answers.
    body_head: str = ""
    #: Why no response arrived (a network failure), if so.
    error: str = ""

    def header(self, name: str) -> str | None:
        """The value of a recorded response header, by case-insensitive name."""
        wanted = name.lower()
        for key, value in self.headers:
            if key == wanted:
                return value
        return None

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready mapping (part of the ``asdiag.v1`` schema)."""
        return {
            "probe": self.probe,
            "method": self.method,
            "url": self.url,
            "status": self.status,
            "elapsed_ms": round(self.elapsed_ms, 1),
            "sent_credentials": self.sent_credentials,
            "headers": dict(self.headers),
            "body_head": self.body_head,
            "error": self.error,
        }


@dataclass(frozen=True)
class CaBundle:
    """The certificates TLS verification trusts, and why these."""

    path: str
    #: ``--ca-bundle``, ``SSL_CERT_FILE``, ... or ``certifi``.
    source: str
    is_directory: bool = False


@dataclass(frozen=True)
class ProxyChoice:
    """The proxy used for one URL, or why none is."""

    url: str | None
    #: The variable that supplied it (``HTTPS_PROXY``), or that bypassed it (``NO_PROXY``).
    variable: str | None = None
    bypassed: bool = False

    @property
    def display(self) -> str:
        return redact_url(self.url) if self.url else "none"


class FailureKind(StrEnum):
    """Why a request got no usable answer."""

    DNS = "dns"
    REFUSED = "refused"
    CONNECT_TIMEOUT = "connect-timeout"
    TLS = "tls"
    READ_TIMEOUT = "read-timeout"
    RESET = "reset"
    REDIRECT_LOOP = "redirect-loop"
    OTHER = "other"


@dataclass(frozen=True)
class Certificate:
    """What a server's certificate says about itself and its issuer."""

    subject: str
    issuer: str
    not_after: str = ""


@dataclass(frozen=True)
class Failure:
    kind: FailureKind
    #: The system's message, redacted.
    message: str
    #: For TLS failures: the certificate presented, read without verification to show it.
    certificate: Certificate | None = None


@dataclass(frozen=True)
class Response:
    """The final answer of a request, after redirects."""

    url: str
    status: int
    #: Redacted, except ``location`` (kept whole to follow it, so never shown in a repr).
    headers: tuple[tuple[str, str], ...] = field(repr=False)
    body: bytes = field(repr=False)
    #: The body was longer than the cap (or endless) and was cut.
    truncated: bool = False

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers if key == wanted), None)

    @property
    def content_type(self) -> str:
        return (self.header("content-type") or "").split(";")[0].strip().lower()


#: Statuses that say the server is overloaded or broken, not what the request may see: asdiag
#: neither retries after them (never adding load) nor reads access rules into them.
BUSY_STATUSES = frozenset({429}) | frozenset(range(500, 600))


@dataclass(frozen=True)
class FetchResult:
    """Everything one GET produced: each hop's exchange, and an answer or a failure."""

    exchanges: tuple[Exchange, ...]
    response: Response | None = None
    failure: Failure | None = None
    #: Why credentials were not sent although asked for (another origin, plain http).
    credentials_withheld: str = ""
    #: The verified certificate of an https server, when the request reached one.
    certificate: Certificate | None = None

    @property
    def status(self) -> int | None:
        return self.response.status if self.response is not None else None


@dataclass(frozen=True)
class DnsResult:
    host: str
    addresses: tuple[str, ...]
    elapsed_ms: float
    error: str = ""
