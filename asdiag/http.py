"""The only module that talks to the network (with ``timelimits``, its time limits): DNS
lookups and HTTP requests.

It builds the one httpx client asdiag uses, with a time limit on each request as a whole (name
lookup, connect, TLS, head and body: see ``asdiag/timelimits.py``) and the command's deadline
over them all, the ``asdiag/<version>`` User-Agent, TLS verification that cannot be turned off
(a CA bundle chosen from ``--ca-bundle``, ``SSL_CERT_FILE``, ``REQUESTS_CA_BUNDLE``,
``SSL_CERT_DIR`` or certifi, and reported), and the proxy the environment asks for (reported
too). httpx's own environment handling is off (``trust_env=False``) so that both choices are
made, and explained, here.

Redirects are followed by asdiag, one hop at a time, so that each is recorded. Credentials carry
the origin they were configured for and are attached only to a request to that origin, at every
hop and whatever the URL came from, and never in clear over plain http to another machine or a
proxy that is not this one.
Bodies are read with a size cap. Network failures become :class:`Failure` data, classified for
the checks; nothing here raises for an outcome a server can cause.
"""

from __future__ import annotations

import base64
import logging
import os
import socket
import ssl
import tempfile
import threading
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from asdiag import __version__
from asdiag.errors import UsageError
from asdiag.evidence import (
    CaBundle,
    Certificate,
    DnsResult,
    Exchange,
    Failure,
    FailureKind,
    FetchResult,
    ProxyChoice,
    Response,
    Withheld,
)
from asdiag.redact import Redactor, Secret
from asdiag.timelimits import Deadline, bounded, lookup, transport
from asdiag.urls import Origin

if TYPE_CHECKING:
    from asdiag.settings import Settings

log = logging.getLogger(__name__)

USER_AGENT = f"asdiag/{__version__}"
#: pip's own Accept header: PEP 691 JSON preferred, HTML accepted (devpi misbehaves without it).
PIP_ACCEPT = (
    "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, "
    "text/html; q=0.01"
)
MAX_BODY_BYTES = 16 * 1024 * 1024
PROBE_BODY_BYTES = 64 * 1024
MAX_REDIRECTS = 10
BODY_HEAD_CHARS = 300
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
#: Response headers worth keeping as evidence (others are noise or private).
_EVIDENCE_HEADERS = (
    "content-type",
    "content-length",
    "location",
    "www-authenticate",
    "retry-after",
    "server",
    "via",
    "x-jfrog-version",
    "x-artifactory-id",
    "x-cache",
    "x-devpi-server-version",
    "x-devpi-api-version",
)
_EVIDENCE_PREFIXES = ("x-ratelimit-", "ratelimit-", "x-rate-limit-")


# --- choices made from the environment -----------------------------------------------------


def choose_ca_bundle(
    explicit: str | None, explicit_source: str, environ: Mapping[str, str]
) -> CaBundle:
    """The CA bundle: the asdiag setting, then the variables pip and OpenSSL users rely on.

    :raises UsageError: when the chosen file does not exist, so the run never falls back silently
        to other certificates than the ones asked for.
    """
    candidates: list[tuple[str | None, str]] = [(explicit, explicit_source)] if explicit else []
    candidates += [
        (environ.get("SSL_CERT_FILE"), "SSL_CERT_FILE"),
        (environ.get("REQUESTS_CA_BUNDLE"), "REQUESTS_CA_BUNDLE"),
        (environ.get("SSL_CERT_DIR"), "SSL_CERT_DIR"),
    ]
    for path, source in candidates:
        if not path:
            continue
        if not os.path.exists(path):
            raise UsageError(f"the CA bundle from {source} does not exist: {path}")
        return CaBundle(path, source, is_directory=os.path.isdir(path))
    import certifi

    return CaBundle(certifi.where(), "certifi (default)")


def choose_proxy(url: str, environ: Mapping[str, str]) -> ProxyChoice:
    """The proxy the environment asks for, as curl, pip and httpx read it (NO_PROXY included)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    found: tuple[str, str] | None = None
    for name in (f"{scheme}_proxy", "all_proxy"):
        for variable in (name, name.upper()):
            if environ.get(variable):
                found = (environ[variable], variable)
                break
        if found:
            break
    if found is None:
        return ProxyChoice(None)
    no_proxy_var = next((v for v in ("no_proxy", "NO_PROXY") if environ.get(v)), None)
    if no_proxy_var is not None:
        host = parts.hostname or ""
        netloc = f"{host}:{parts.port}" if parts.port else host
        # Public but undocumented in typeshed: the same NO_PROXY matching urllib itself uses.
        if urllib.request.proxy_bypass_environment(  # type: ignore[attr-defined]
            netloc, proxies={"no": environ[no_proxy_var]}
        ):
            return ProxyChoice(None, no_proxy_var, bypassed=True)
    proxy_url = found[0] if "://" in found[0] else f"http://{found[0]}"
    return ProxyChoice(proxy_url, found[1])


@dataclass(frozen=True)
class HttpOptions:
    """Everything that shapes asdiag's HTTP behaviour, resolved before the first request."""

    #: Each request as a whole (connect, head and body together), in seconds.
    timeout: float
    ca_bundle: CaBundle
    proxy: ProxyChoice
    max_body_bytes: int = MAX_BODY_BYTES
    max_redirects: int = MAX_REDIRECTS
    #: The command's overall deadline: no request starts after it, none runs past it.
    deadline: Deadline | None = None


def command_deadline(settings: Settings, command: str) -> Deadline:
    """The deadline of ``command``, starting now: ``--deadline``, else the command's default."""
    from asdiag.settings import DEFAULT_DEADLINES

    return Deadline(settings.deadline.value or DEFAULT_DEADLINES[command])


def options_for(
    settings: Settings, url: str, environ: Mapping[str, str], deadline: Deadline | None = None
) -> HttpOptions:
    """The HTTP options for requests to ``url``: the settings' timeout and CA bundle, the
    proxy the environment gives that URL, and the command's deadline.

    :raises UsageError: for a CA bundle that does not exist.
    """
    ca_bundle = choose_ca_bundle(settings.ca_bundle.value, settings.ca_bundle.describe(), environ)
    return HttpOptions(
        settings.timeout.value, ca_bundle, choose_proxy(url, environ), deadline=deadline
    )


@dataclass(frozen=True)
class BasicCredentials:
    """A username and a password for HTTP Basic authentication, bound to the one origin they
    were configured for (the catalog URL's, a manager URL's): the client sends them nowhere
    else."""

    username: str
    password: Secret = field(repr=False)
    origin: Origin

    @classmethod
    def of(
        cls, username: str | None, password: Secret | None, *, for_url: str
    ) -> BasicCredentials | None:
        """Credentials for ``for_url``'s origin when a password is known (the username may be
        empty); else ``None``."""
        return None if password is None else cls(username or "", password, Origin.of(for_url))

    def header(self) -> str:
        pair = f"{self.username}:{self.password.reveal()}".encode()
        return "Basic " + base64.b64encode(pair).decode("ascii")


# --- DNS ------------------------------------------------------------------------------------


def resolve_host(host: str, port: int, timeout: float) -> DnsResult:
    """Resolve ``host`` with the system resolver, giving up after ``timeout`` seconds."""
    started = time.perf_counter()
    try:
        addresses = lookup(host, port, timeout)
    except socket.gaierror as exc:
        return DnsResult(host, (), _ms_since(started), exc.strerror or str(exc))
    return DnsResult(host, addresses, _ms_since(started))


def _ms_since(started: float) -> float:
    return (time.perf_counter() - started) * 1000


# --- certificates -------------------------------------------------------------------------


def _format_name(name: object) -> str:
    """``getpeercert()``'s nested name tuples as ``CN=..., O=...``."""
    short = {
        "commonName": "CN",
        "organizationName": "O",
        "organizationalUnitName": "OU",
        "countryName": "C",
    }
    parts = []
    if isinstance(name, tuple):
        for rdn in name:
            for key, value in rdn:
                if key in short:
                    parts.append(f"{short[key]}={value}")
    return ", ".join(parts) or "(no name)"


def _certificate_from_dict(cert: Mapping[str, object]) -> Certificate:
    return Certificate(
        subject=_format_name(cert.get("subject")),
        issuer=_format_name(cert.get("issuer")),
        not_after=str(cert.get("notAfter", "")),
    )


def read_unverified_certificate(host: str, port: int, timeout: float) -> Certificate | None:
    """The certificate a server presents, fetched without verifying it, only to describe it.

    Nothing is sent over this connection but the TLS handshake. The standard library can only
    decode a certificate it has verified, or one in a file (``ssl._ssl._test_decode_cert``, a
    private but long-stable helper); that is used here rather than adding a dependency. Any
    failure just means the finding shows no certificate details.
    """
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        address = lookup(host, port, timeout)[0]
        with (
            socket.create_connection((address, port), timeout=timeout) as sock,
            context.wrap_socket(sock, server_hostname=host) as tls,
        ):
            der = tls.getpeercert(binary_form=True)
        if not der:
            return None
        with tempfile.TemporaryDirectory() as tmp:
            pem_path = Path(tmp) / "peer.pem"
            pem_path.write_text(ssl.DER_cert_to_PEM_cert(der), encoding="ascii")
            decoded = ssl._ssl._test_decode_cert(str(pem_path))  # type: ignore[attr-defined]
        return _certificate_from_dict(decoded)
    except (OSError, ValueError, AttributeError):
        return None


# --- the client ---------------------------------------------------------------------------


def _exception_chain(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def classify_transport_error(exc: Exception, *, in_body: bool = False) -> FailureKind:
    """Map an httpx exception to what went wrong, looking through the exceptions it wraps.

    ``in_body``: the answer's head had arrived, so a timeout is a slow body and a close is a
    truncated one.
    """
    chain = _exception_chain(exc)
    if isinstance(exc, httpx.DecodingError):
        return FailureKind.DECODE
    if isinstance(exc, httpx.ConnectTimeout):
        return FailureKind.CONNECT_TIMEOUT
    if isinstance(exc, httpx.ReadTimeout | httpx.WriteTimeout | httpx.PoolTimeout):
        return FailureKind.SLOW_BODY if in_body else FailureKind.READ_TIMEOUT
    if any(isinstance(e, ssl.SSLError) for e in chain):
        return FailureKind.TLS
    if any(isinstance(e, socket.gaierror) for e in chain):
        return FailureKind.DNS
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return FailureKind.REFUSED
    if any(isinstance(e, ConnectionResetError | BrokenPipeError) for e in chain):
        return FailureKind.RESET
    text = str(exc).lower()
    if isinstance(exc, httpx.RemoteProtocolError) and (
        "incomplete" in text or "complete message body" in text
    ):
        return FailureKind.TRUNCATED
    # A peer that closes mid-answer surfaces as a read error or as a protocol error ("Server
    # disconnected"), depending on timing. Other protocol errors (a garbled status line) are not
    # resets.
    closed = "peer closed" in text or "disconnected" in text
    if isinstance(exc, httpx.ReadError) or (isinstance(exc, httpx.RemoteProtocolError) and closed):
        return FailureKind.TRUNCATED if in_body else FailureKind.RESET
    if "refused" in text:
        return FailureKind.REFUSED
    if "name or service not known" in text or "nodename nor servname" in text:
        return FailureKind.DNS
    return FailureKind.OTHER


_TIMEOUTS = frozenset(
    {FailureKind.CONNECT_TIMEOUT, FailureKind.READ_TIMEOUT, FailureKind.SLOW_BODY}
)
#: What a request can raise for an outcome a server causes. ValueError too: httpx prepares the
#: next request of every redirect, and a hostile ``Location`` (``//XN--0``) raises a
#: UnicodeError there, even with redirects off.
_NETWORK_ERRORS = (httpx.HTTPError, httpx.InvalidURL, httpcore.TimeoutException, ValueError)


def credentials_refusal(
    url: str, credentials: BasicCredentials, proxy: str | None = None
) -> Withheld | None:
    """Why ``credentials`` must not go to ``url`` (``None`` when they may): they go only to
    the origin they were configured for, and never over plain http to another machine. Through
    a proxy, a plain-http request (and its Authorization header) travels in clear to the proxy
    first, so a proxy that is not this machine is another machine."""
    origin = Origin.of(url)
    if origin != credentials.origin:
        return Withheld.OTHER_ORIGIN
    if origin.scheme == "http":
        via_proxy = proxy is not None and not Origin.of(proxy).is_loopback
        if via_proxy or not origin.is_loopback:
            return Withheld.PLAIN_HTTP
    return None


class HttpClient:
    """asdiag's HTTP client: records every exchange, redacts as it records."""

    def __init__(self, options: HttpOptions, redactor: Redactor) -> None:
        self.options = options
        self.redactor = redactor
        self._exchanges: list[Exchange] = []
        self._lock = threading.Lock()
        if options.ca_bundle.is_directory:
            context = ssl.create_default_context(capath=options.ca_bundle.path)
        else:
            context = ssl.create_default_context(cafile=options.ca_bundle.path)
        self._client = httpx.Client(
            transport=transport(context, options.proxy.url),
            trust_env=False,
            follow_redirects=False,
            timeout=httpx.Timeout(options.timeout),
            headers={"User-Agent": USER_AGENT},
        )

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    @property
    def exchanges(self) -> tuple[Exchange, ...]:
        """Every request made so far, in order (the ``requests`` of the JSON report)."""
        with self._lock:
            return tuple(self._exchanges)

    def get(
        self,
        url: str,
        *,
        probe: str,
        credentials: BasicCredentials | None = None,
        accept: str = PIP_ACCEPT,
        byte_range: bool = False,
    ) -> FetchResult:
        """GET ``url``, following redirects by hand; never raises for a network outcome.

        Credentials go only to their own origin (:func:`credentials_refusal`), at every hop:
        a URL that came from a redirect, a page's link or a JSON ``url`` earns nothing by
        having been fetched with them. With ``byte_range``, ask for the first byte only
        (``Range: bytes=0-0``) and read at most 64 KiB whatever comes back: a file probe, not a
        download. A GET, because some servers and proxies reject HEAD.
        """
        hops: list[Exchange] = []
        seen: set[str] = set()
        withheld: Withheld | None = None
        current = url
        while True:
            deadline = self.options.deadline
            if deadline is not None and deadline.passed():
                return self._not_sent(current, probe, hops, withheld)
            refusal = (
                credentials_refusal(current, credentials, self._proxy_for(current))
                if credentials
                else None
            )
            withheld = withheld or refusal
            headers = {"Accept": accept}
            if byte_range:
                headers["Range"] = "bytes=0-0"
            send = credentials is not None and refusal is None
            if send and credentials is not None:
                headers["Authorization"] = credentials.header()
            cap = PROBE_BODY_BYTES if byte_range else self.options.max_body_bytes
            result = self._send(current, probe, headers, send, cap, refusal)
            hops.append(result.exchanges[0])
            self._record(result.exchanges[0])
            response = result.response
            location = response.header("location") if response is not None else None
            if response is None or response.status not in _REDIRECT_STATUSES or not location:
                return FetchResult(
                    tuple(hops), response, result.failure, withheld, result.certificate, current
                )
            seen.add(current)
            target = _redirect_target(current, location)
            if target is None:
                failure = Failure(
                    FailureKind.BAD_REDIRECT,
                    f"{response.status} to {self.redactor.url(location)!r}, which is not an "
                    "http(s) URL",
                    status=response.status,
                )
                return FetchResult(tuple(hops), response, failure, withheld)
            current = target
            if current in seen or len(hops) > self.options.max_redirects:
                failure = Failure(
                    FailureKind.REDIRECT_LOOP,
                    f"stopped after {len(hops)} redirects (last to {self.redactor.url(current)})",
                )
                return FetchResult(tuple(hops), response, failure, withheld)

    def _proxy_for(self, url: str) -> str | None:
        """The proxy a request to ``url`` goes through: this client's, for plain http."""
        return self.options.proxy.url if Origin.of(url).scheme == "http" else None

    def _record(self, exchange: Exchange) -> None:
        with self._lock:
            self._exchanges.append(exchange)

    def _not_sent(
        self, url: str, probe: str, hops: list[Exchange], withheld: Withheld | None
    ) -> FetchResult:
        """The run's deadline passed before this request: record that it was not made."""
        deadline = self.options.deadline
        assert deadline is not None
        message = f"not sent: the command's deadline of {deadline.seconds:g} s had passed"
        exchange = Exchange(
            probe=probe,
            method="GET",
            url=self.redactor.url(url),
            status=None,
            elapsed_ms=0.0,
            error=f"{FailureKind.DEADLINE}: {message}",
        )
        self._record(exchange)
        failure = Failure(FailureKind.DEADLINE, message)
        return FetchResult((*hops, exchange), None, failure, withheld)

    def _redacted_headers(self, headers: httpx.Headers) -> tuple[tuple[str, str], ...]:
        """Header values as evidence may keep them; ``Location`` stays whole to be followed."""
        return tuple(
            (key.lower(), value if key.lower() == "location" else self.redactor.text(value))
            for key, value in headers.items()
        )

    def _request_deadline(self, started: float) -> tuple[float, bool]:
        """When this request must be over, and whether the command's deadline is what ends it."""
        own = started + self.options.timeout
        deadline = self.options.deadline
        if deadline is not None and deadline.at < own:
            return deadline.at, True
        return own, False

    def _send(
        self,
        url: str,
        probe: str,
        headers: dict[str, str],
        sent_credentials: bool,
        cap: int,
        withheld: Withheld | None,
    ) -> FetchResult:
        """One request, one exchange, no redirect handling."""
        shown_url = self.redactor.url(url)
        started = time.perf_counter()
        at, by_command = self._request_deadline(time.monotonic())
        status: int | None = None
        body_started = started
        received = [0]
        try:  # only httpx's work in here: a bug of asdiag's is a crash, never "the network"
            with bounded(at), self._client.stream("GET", url, headers=headers) as raw:
                status = raw.status_code
                raw_headers = raw.headers
                certificate = self._peer_certificate(raw)
                body_started = time.perf_counter()
                body, truncated = self._read_capped(raw, cap, received)
        except _NETWORK_ERRORS as exc:
            in_body = status is not None
            kind = classify_transport_error(exc, in_body=in_body)
            if by_command and kind in _TIMEOUTS:
                kind = FailureKind.DEADLINE
            message = self._failure_message(exc, kind)
            certificate = None
            if kind is FailureKind.TLS and self.options.proxy.url is None:
                origin = Origin.of(url)
                limit = self.options.timeout
                if self.options.deadline is not None:
                    limit = self.options.deadline.left(limit)
                if limit > 0:
                    certificate = read_unverified_certificate(origin.host, origin.port, limit)
            seconds = time.perf_counter() - (body_started if in_body else started)
            failure = Failure(kind, message, certificate, status, received[0], seconds)
            exchange = Exchange(
                probe=probe,
                method="GET",
                url=shown_url,
                status=status,
                elapsed_ms=_ms_since(started),
                sent_credentials=sent_credentials,
                error=f"{kind}: {message}",
                credentials_withheld=withheld,
            )
            log.debug("GET %s -> %s (%.0f ms)", shown_url, exchange.error, exchange.elapsed_ms)
            return FetchResult((exchange,), failure=failure)
        response = Response(
            url=shown_url,
            status=status,
            headers=self._redacted_headers(raw_headers),
            body=body,
            truncated=truncated,
        )
        exchange = Exchange(
            probe=probe,
            method="GET",
            url=shown_url,
            status=response.status,
            elapsed_ms=_ms_since(started),
            sent_credentials=sent_credentials,
            headers=self._evidence_headers(response),
            body_head=self._body_head(response.body),
            credentials_withheld=withheld,
        )
        log.debug("GET %s -> %s (%.0f ms)", shown_url, response.status, exchange.elapsed_ms)
        return FetchResult((exchange,), response=response, certificate=certificate)

    def _failure_message(self, exc: Exception, kind: FailureKind) -> str:
        """The failure in words: the limit that ended it, or the library's message."""
        deadline = self.options.deadline
        if kind is FailureKind.DEADLINE and deadline is not None:
            return f"stopped at the command's deadline of {deadline.seconds:g} s"
        if kind in _TIMEOUTS:
            return f"within {self.options.timeout:g} s"
        return self.redactor.text(str(exc) or type(exc).__name__)

    @staticmethod
    def _read_capped(raw: httpx.Response, cap: int, received: list[int]) -> tuple[bytes, bool]:
        """The body, at most ``cap`` bytes of it; ``received[0]`` counts as it arrives, so a
        failure mid-body can say how much came."""
        chunks: list[bytes] = []
        for chunk in raw.iter_bytes():
            chunks.append(chunk)
            received[0] += len(chunk)
            if received[0] > cap:
                return b"".join(chunks)[:cap], True
        return b"".join(chunks), False

    @staticmethod
    def _peer_certificate(raw: httpx.Response) -> Certificate | None:
        stream = raw.extensions.get("network_stream")
        ssl_object = stream.get_extra_info("ssl_object") if stream is not None else None
        if ssl_object is None:
            return None
        cert = ssl_object.getpeercert()
        return _certificate_from_dict(cert) if cert else None

    def _evidence_headers(self, response: Response) -> tuple[tuple[str, str], ...]:
        kept = [
            (name, self.redactor.text(value))
            for name, value in response.headers
            if name in _EVIDENCE_HEADERS or name.startswith(_EVIDENCE_PREFIXES)
        ]
        return tuple(kept)

    def _body_head(self, body: bytes) -> str:
        return self.redactor.text(printable_head(body, BODY_HEAD_CHARS))


def _redirect_target(current: str, location: str) -> str | None:
    """``location`` resolved against ``current``; ``None`` when it is not an http(s) URL."""
    try:
        target = urljoin(current, location.strip())
        parts = urlsplit(target)
        _ = parts.port  # raises for a port that is not a number
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return target


def printable_head(body: bytes, limit: int) -> str:
    """The first ``limit`` characters of a body, safe to print: decoded as UTF-8 (invalid bytes
    replaced), control characters other than newline and tab shown as ``\\xNN``."""
    text = body[: limit * 4].decode("utf-8", errors="replace")[:limit]
    return "".join(
        ch if ch.isprintable() or ch in "\n\t" else f"\\x{ord(ch):02x}" if ord(ch) < 256 else "?"
        for ch in text
    )
