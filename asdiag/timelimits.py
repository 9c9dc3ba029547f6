"""Time limits on the network: a command's deadline, and each request bounded as a whole.

httpx bounds each read and each connect, not a request: a server that sends one byte a second
satisfies every per-read timeout for ever, and a name lookup inside ``socket.create_connection``
has no limit at all. Here the network backend of httpx's transport hands out streams whose every
operation gets only the time left before the request's deadline (set per thread by
:func:`bounded`), and names are resolved in a daemon thread within that time.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpcore
import httpx


def lookup(host: str, port: int, timeout: float | None) -> tuple[str, ...]:
    """The addresses of ``host``, from the system resolver, within ``timeout`` seconds.

    The resolver runs in a daemon thread: ``getaddrinfo`` cannot be interrupted, and a stuck
    one must neither outlast the time limit nor hold the process open at exit (a
    ``ThreadPoolExecutor``'s workers are joined at exit).

    :raises socket.gaierror: when the name does not resolve, or not in time.
    """
    answer: list[tuple[str, ...] | BaseException] = []
    done = threading.Event()

    def ask() -> None:
        try:
            infos = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
            answer.append(tuple(dict.fromkeys(str(info[4][0]) for info in infos)))
        except (OSError, UnicodeError) as exc:
            answer.append(exc)
        done.set()

    threading.Thread(target=ask, name=f"resolve {host}", daemon=True).start()
    if not done.wait(timeout):
        raise socket.gaierror(socket.EAI_AGAIN, f"no answer within {round(timeout or 0, 1):g} s")
    result = answer[0]
    if isinstance(result, socket.gaierror):
        raise result
    if isinstance(result, BaseException):
        raise socket.gaierror(socket.EAI_FAIL, str(result)) from result
    return result


@dataclass(frozen=True)
class Deadline:
    """A command's overall time limit: no request starts after it, and a running one is cut at
    it (each socket operation, name lookups included, gets only the time left)."""

    seconds: float
    started: float = field(default_factory=time.monotonic)

    @property
    def at(self) -> float:
        return self.started + self.seconds

    def passed(self) -> bool:
        return time.monotonic() >= self.at

    @property
    def reason(self) -> str:
        """Why what comes after it was not done, in words."""
        return f"the command's deadline of {self.seconds:g} s passed"

    def left(self, limit: float) -> float:
        """``limit`` seconds, or less when the deadline comes first (never negative)."""
        return max(0.0, min(limit, self.at - time.monotonic()))


class _RequestDeadline(threading.local):
    """The moment the request running on this thread must be over (connect, head and body
    together). httpx bounds each read and each connect, not the whole: a server that sends one
    byte a second satisfies every per-read timeout for ever. The network streams below give
    every socket operation only the time left."""

    at: float | None = None


_REQUEST_DEADLINE = _RequestDeadline()


@contextlib.contextmanager
def bounded(at: float) -> Iterator[None]:
    """Within the block, every socket operation of this thread ends by ``at`` (monotonic)."""
    _REQUEST_DEADLINE.at = at
    try:
        yield
    finally:
        _REQUEST_DEADLINE.at = None


def _time_left(timeout: float | None, error: type[Exception]) -> float | None:
    at = _REQUEST_DEADLINE.at
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise error("the request's time limit passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every operation ends by the request's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _time_left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _time_left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        left = _time_left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, left))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's network backend, handing out :class:`_DeadlineStream` s."""

    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        # The name is resolved here, within the time left: inside socket.create_connection
        # no limit would bound it. TLS still checks the certificate against the name, which
        # httpcore passes to start_tls apart from the address connected to.
        try:
            addresses = lookup(host, port, _time_left(timeout, httpcore.ConnectTimeout))
        except socket.gaierror as exc:
            raise httpcore.ConnectError(f"{host}: {exc.strerror or exc}") from exc
        failure: Exception | None = None
        for address in addresses:
            try:
                stream = self._inner.connect_tcp(
                    address,
                    port,
                    _time_left(timeout, httpcore.ConnectTimeout),
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except httpcore.ConnectError as exc:  # the next address may answer
                failure = exc
                continue
            return _DeadlineStream(stream)
        raise failure or httpcore.ConnectError(f"{host}: no address")

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        left = _time_left(timeout, httpcore.ConnectTimeout)
        stream = self._inner.connect_unix_socket(path, left, socket_options=socket_options)
        return _DeadlineStream(stream)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def transport(context: ssl.SSLContext, proxy: str | None) -> httpx.HTTPTransport:
    """httpx's transport with the deadline-bounded network backend.

    httpx takes no network backend; its connection pool keeps one in ``_network_backend``
    (httpcore 1.x, direct and through a proxy alike). A test stalls a server one byte a
    second, so a change there fails loudly rather than silently losing the bound.
    """
    transport = httpx.HTTPTransport(verify=context, proxy=proxy, trust_env=False)
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if isinstance(backend, httpcore.NetworkBackend):
        pool._network_backend = _DeadlineBackend(backend)  # type: ignore[union-attr]
    return transport
