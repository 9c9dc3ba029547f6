"""What the network answered, as data: exchanges, responses, failures, DNS and TLS facts.

``http.py`` produces these; checks and renderers consume them. They live apart from ``http.py``
so that the checks stay pure and importable without httpx. Every string in them has already
passed through the redactor when it is built.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from asdiag.redact import redact_url


class Withheld(StrEnum):
    """Why credentials asked for were not sent with a request."""

    #: The request's origin is not the one the credentials were configured for.
    OTHER_ORIGIN = "other-origin"
    #: Plain http to a machine that is not this one: the password would travel in clear.
    PLAIN_HTTP = "plain-http"

    def sentence(self) -> str:
        if self is Withheld.OTHER_ORIGIN:
            return (
                "the request went to another origin (scheme, host and port) than the one the "
                "credentials belong to, and credentials never leave their origin"
            )
        return (
            "plain http to a host, or through a proxy, that is not this machine; credentials "
            "are not sent in clear"
        )


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
    #: Why no response arrived, or why it broke off (a network failure), if so.
    error: str = ""
    #: Why the credentials asked for were not sent with this request; ``None`` when they were
    #: sent or none were asked for.
    credentials_withheld: Withheld | None = None

    def header(self, name: str) -> str | None:
        """The value of a recorded response header, by case-insensitive name."""
        wanted = name.lower()
        for key, value in self.headers:
            if key == wanted:
                return value
        return None

    def body_start(self, limit: int = 200) -> str:
        """The first characters of the body, quoted on one line, for a finding's detail."""
        head = self.body_head[:limit].replace("\r", "").replace("\n", "\\n")
        return f'"{head}"' + ("..." if len(self.body_head) > limit else "")

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
            "credentials_withheld": self.credentials_withheld,
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
    #: No complete answer head (status line and headers) within the request's time limit.
    READ_TIMEOUT = "read-timeout"
    RESET = "reset"
    #: The connection closed before the body was complete (shorter than its Content-Length,
    #: or an unfinished chunked body).
    TRUNCATED = "truncated"
    #: The head arrived, the body did not finish within the request's time limit.
    SLOW_BODY = "slow-body"
    #: The body could not be decoded as its Content-Encoding says.
    DECODE = "decode"
    REDIRECT_LOOP = "redirect-loop"
    #: A ``Location`` that is not an http(s) URL asdiag can follow.
    BAD_REDIRECT = "bad-redirect"
    #: Not sent: the command's overall deadline had passed.
    DEADLINE = "deadline"
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
    #: The status of an answer that broke off after its head (a reset or a stall mid-body).
    status: int | None = None
    #: Body bytes received before the failure, and over how many seconds.
    received: int = 0
    seconds: float = 0.0


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

    @property
    def charset(self) -> str | None:
        """The ``charset`` parameter of the Content-Type, if it names one."""
        for parameter in (self.header("content-type") or "").split(";")[1:]:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "charset" and value.strip(' "'):
                return value.strip(' "')
        return None


#: Statuses that say the server is overloaded or broken, not what the request may see: asdiag
#: neither retries after them (never adding load) nor reads access rules into them.
BUSY_STATUSES = frozenset({429}) | frozenset(range(500, 600))


@dataclass(frozen=True)
class FetchResult:
    """Everything one GET produced: each hop's exchange, and an answer or a failure."""

    exchanges: tuple[Exchange, ...]
    response: Response | None = None
    failure: Failure | None = None
    #: Why credentials were not sent although asked for, at the first hop that withheld them.
    credentials_withheld: Withheld | None = None
    #: The verified certificate of an https server, when the request reached one.
    certificate: Certificate | None = None
    #: The URL of the last hop as requested, unredacted: relative links on the page resolve
    #: against it (the exchanges' URLs are redacted, a token in the path masked). Never shown.
    final_url: str = field(default="", repr=False)

    @property
    def status(self) -> int | None:
        return self.response.status if self.response is not None else None

    @property
    def refused_elsewhere(self) -> bool:
        """A refusal (4xx: 401, 403, or a 404 that hides what needs credentials) from a hop on
        another origin, which the credentials were withheld from: the answer is about that
        origin and the credentials it never got, not about the ones asdiag holds, nor about a
        missing project. (A 429 or a 5xx says the server is busy or broken, wherever it is.)"""
        last = self.exchanges[-1] if self.exchanges else None
        return (
            self.response is not None
            and 400 <= self.response.status < 500
            and self.response.status != 429
            and last is not None
            and last.credentials_withheld is Withheld.OTHER_ORIGIN
        )


@dataclass(frozen=True)
class DnsResult:
    host: str
    addresses: tuple[str, ...]
    elapsed_ms: float
    error: str = ""
