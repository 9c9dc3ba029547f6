"""The only module that talks to the network: DNS lookups and HTTP requests.

It builds the one httpx client asdiag uses, with explicit connect and read timeouts, the
``asdiag/<version>`` User-Agent, TLS verification that cannot be turned off (a CA bundle chosen
from ``--ca-bundle``, ``SSL_CERT_FILE``, ``REQUESTS_CA_BUNDLE``, ``SSL_CERT_DIR`` or certifi, and
reported), and the proxy the environment asks for (reported too). httpx's own environment
handling is off (``trust_env=False``) so that both choices are made, and explained, here.

Redirects are followed by asdiag, one hop at a time, so that each is recorded and credentials are
attached only to the origin they belong to, and never over plain http to another machine.
Bodies are read with a size cap. Network failures become :class:`Failure` data, classified for
the checks; nothing here raises for an outcome a server can cause.
"""

from __future__ import annotations

import base64
import concurrent.futures
import logging
import os
import socket
import ssl
import tempfile
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

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
)
from asdiag.redact import Redactor, Secret, redact_url
from asdiag.urls import is_loopback_host

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

    timeout: float
    ca_bundle: CaBundle
    proxy: ProxyChoice
    max_body_bytes: int = MAX_BODY_BYTES
    max_redirects: int = MAX_REDIRECTS


def options_for(settings: Settings, url: str, environ: Mapping[str, str]) -> HttpOptions:
    """The HTTP options for requests to ``url``: the settings' timeout and CA bundle, and the
    proxy the environment gives that URL.

    :raises UsageError: for a CA bundle that does not exist.
    """
    ca_bundle = choose_ca_bundle(settings.ca_bundle.value, settings.ca_bundle.describe(), environ)
    return HttpOptions(settings.timeout.value, ca_bundle, choose_proxy(url, environ))


@dataclass(frozen=True)
class BasicCredentials:
    """A username and a password for HTTP Basic authentication."""

    username: str
    password: Secret = field(repr=False)

    @classmethod
    def of(cls, username: str | None, password: Secret | None) -> BasicCredentials | None:
        """Credentials when a password is known (the username may be empty); else ``None``."""
        return None if password is None else cls(username or "", password)

    def header(self) -> str:
        pair = f"{self.username}:{self.password.reveal()}".encode()
        return "Basic " + base64.b64encode(pair).decode("ascii")


# --- DNS ------------------------------------------------------------------------------------


def resolve_host(host: str, port: int, timeout: float) -> DnsResult:
    """Resolve ``host`` with the system resolver, giving up after ``timeout`` seconds."""
    started = time.perf_counter()
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    future = pool.submit(socket.getaddrinfo, host, port, 0, socket.SOCK_STREAM)
    try:
        infos = future.result(timeout=timeout)
        addresses = tuple(dict.fromkeys(str(info[4][0]) for info in infos))
        return DnsResult(host, addresses, _ms_since(started))
    except concurrent.futures.TimeoutError:
        return DnsResult(host, (), _ms_since(started), f"no answer within {timeout:g} s")
    except (OSError, UnicodeError) as exc:
        return DnsResult(host, (), _ms_since(started), str(exc))
    finally:
        # A stuck resolver thread must not hold the run open.
        pool.shutdown(wait=False, cancel_futures=True)


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
        with (
            socket.create_connection((host, port), timeout=timeout) as sock,
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


def _origin(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or (443 if scheme == "https" else 80)


def _exception_chain(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def classify_transport_error(exc: httpx.TransportError) -> FailureKind:
    """Map an httpx exception to what went wrong, looking through the exceptions it wraps."""
    chain = _exception_chain(exc)
    if isinstance(exc, httpx.ConnectTimeout):
        return FailureKind.CONNECT_TIMEOUT
    if isinstance(exc, httpx.ReadTimeout | httpx.WriteTimeout | httpx.PoolTimeout):
        return FailureKind.READ_TIMEOUT
    if any(isinstance(e, ssl.SSLError) for e in chain):
        return FailureKind.TLS
    if any(isinstance(e, socket.gaierror) for e in chain):
        return FailureKind.DNS
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return FailureKind.REFUSED
    if any(isinstance(e, ConnectionResetError | BrokenPipeError) for e in chain):
        return FailureKind.RESET
    text = str(exc).lower()
    # A peer that closes mid-answer surfaces as a read error or as a protocol error ("peer
    # closed connection without sending complete message body", "Server disconnected"),
    # depending on timing. Other protocol errors (a garbled status line) are not resets.
    closed = "peer closed" in text or "disconnected" in text
    if isinstance(exc, httpx.ReadError) or (isinstance(exc, httpx.RemoteProtocolError) and closed):
        return FailureKind.RESET
    if "refused" in text:
        return FailureKind.REFUSED
    if "name or service not known" in text or "nodename nor servname" in text:
        return FailureKind.DNS
    return FailureKind.OTHER


class HttpClient:
    """asdiag's HTTP client: records every exchange, redacts as it records."""

    def __init__(self, options: HttpOptions, redactor: Redactor) -> None:
        self.options = options
        self.redactor = redactor
        self._exchanges: list[Exchange] = []
        if options.ca_bundle.is_directory:
            context = ssl.create_default_context(capath=options.ca_bundle.path)
        else:
            context = ssl.create_default_context(cafile=options.ca_bundle.path)
        self._client = httpx.Client(
            verify=context,
            proxy=options.proxy.url,
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

        With ``byte_range``, ask for the first byte only (``Range: bytes=0-0``) and read at most
        64 KiB whatever comes back: a file probe, not a download. A GET, because some servers
        and proxies reject HEAD.
        """
        home = _origin(url)
        hops: list[Exchange] = []
        seen: set[str] = set()
        withheld = ""
        current = url
        while True:
            send_credentials = False
            if credentials is not None:
                reason = self._credentials_refusal(current, home)
                if reason:
                    withheld = reason
                else:
                    send_credentials = True
            headers = {"Accept": accept}
            if byte_range:
                headers["Range"] = "bytes=0-0"
            if send_credentials and credentials is not None:
                headers["Authorization"] = credentials.header()
            cap = PROBE_BODY_BYTES if byte_range else self.options.max_body_bytes
            result = self._send(current, probe, headers, send_credentials, cap)
            hops.append(result.exchanges[0])
            self._exchanges.append(result.exchanges[0])
            response = result.response
            location = response.header("location") if response is not None else None
            if response is None or response.status not in _REDIRECT_STATUSES or not location:
                return FetchResult(
                    tuple(hops), response, result.failure, withheld, result.certificate
                )
            seen.add(current)
            current = urljoin(current, location)
            if current in seen or len(hops) > self.options.max_redirects:
                failure = Failure(
                    FailureKind.REDIRECT_LOOP,
                    f"stopped after {len(hops)} redirects (last to {redact_url(current)})",
                )
                return FetchResult(tuple(hops), response, failure, withheld)

    def _credentials_refusal(self, url: str, home: tuple[str, str, int]) -> str:
        """Why credentials must not go to ``url`` (empty when they may)."""
        scheme, host, _ = origin = _origin(url)
        if origin != home:
            return f"redirected to another origin ({scheme}://{host}); credentials not sent there"
        if scheme == "http" and not is_loopback_host(host):
            return "plain http to a host that is not this machine; credentials not sent"
        return ""

    def _redacted_headers(self, headers: httpx.Headers) -> tuple[tuple[str, str], ...]:
        """Header values as evidence may keep them; ``Location`` stays whole to be followed."""
        return tuple(
            (key.lower(), value if key.lower() == "location" else self.redactor.text(value))
            for key, value in headers.items()
        )

    def _send(
        self, url: str, probe: str, headers: dict[str, str], sent_credentials: bool, cap: int
    ) -> FetchResult:
        """One request, one exchange, no redirect handling."""
        shown_url = self.redactor.text(url)
        started = time.perf_counter()
        try:
            with self._client.stream("GET", url, headers=headers) as raw:
                certificate = self._peer_certificate(raw)
                body, truncated = self._read_capped(raw, cap)
                response = Response(
                    url=shown_url,
                    status=raw.status_code,
                    headers=self._redacted_headers(raw.headers),
                    body=body,
                    truncated=truncated,
                )
        except httpx.TransportError as exc:
            kind = classify_transport_error(exc)
            message = self.redactor.text(str(exc) or type(exc).__name__)
            certificate = None
            if kind is FailureKind.TLS and self.options.proxy.url is None:
                _, host, port = _origin(url)
                certificate = read_unverified_certificate(host, port, self.options.timeout)
            exchange = Exchange(
                probe=probe,
                method="GET",
                url=shown_url,
                status=None,
                elapsed_ms=_ms_since(started),
                sent_credentials=sent_credentials,
                error=f"{kind}: {message}",
            )
            log.debug("GET %s -> %s (%.0f ms)", shown_url, exchange.error, exchange.elapsed_ms)
            return FetchResult((exchange,), failure=Failure(kind, message, certificate))
        exchange = Exchange(
            probe=probe,
            method="GET",
            url=shown_url,
            status=response.status,
            elapsed_ms=_ms_since(started),
            sent_credentials=sent_credentials,
            headers=self._evidence_headers(response),
            body_head=self._body_head(response.body),
        )
        log.debug("GET %s -> %s (%.0f ms)", shown_url, response.status, exchange.elapsed_ms)
        return FetchResult((exchange,), response=response, certificate=certificate)

    @staticmethod
    def _read_capped(raw: httpx.Response, cap: int) -> tuple[bytes, bool]:
        chunks: list[bytes] = []
        size = 0
        for chunk in raw.iter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if size > cap:
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
        text = body[: BODY_HEAD_CHARS * 4].decode("utf-8", errors="replace")
        return self.redactor.text(text[:BODY_HEAD_CHARS])
