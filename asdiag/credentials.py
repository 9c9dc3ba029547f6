"""Where a password can come from besides the command line: ``.netrc`` and the system keyring.

The keyring is the one place asdiag stores a secret (``asdiag login``). A keyring entry is a
*service* and a username; pip and uv each ask for the services of an index in their own order,
and :func:`keyring_keys` is the one rule that computes them (login writes them all, logout
removes them, whoami and asdiag's own lookup ask them in order):

- pip 26.3 (``pip/_internal/network/auth.py``, ``MultiDomainBasicAuth._get_new_credentials``)
  asks for the configured index URL that matches the request, normalised by ``_get_index_url``
  to end in exactly one ``/`` and stripped of its userinfo, then for the netloc as written in
  the URL (``host:port`` when a port is written, the bare host otherwise);
- uv (``crates/uv-auth/src/keyring.rs``, ``KeyringProvider::fetch``) asks for the index URL as
  configured (with or without its trailing slash, as the user wrote it), then ``host`` or
  ``host:port`` (a scheme's default port is dropped, as the ``url`` crate does), then, for a URL
  that is not https, ``scheme://host[:port]``. It asks only when the index URL carries a username
  (or ``authenticate = "always"``).

Older versions of asdiag stored the password under the catalog's base URL (the manager's URL
without its trailing slash) and the bare host name. Those *legacy* entries are still read (the
base URL, after the new keys) and are removed by ``login`` and ``logout``.

Every keyring call runs in a worker thread with a timeout: a locked Secret Service or a backend
waiting for a desktop prompt must never hang a CI run. A missing, null or failing backend is an
outcome (:class:`KeyringOutcome.problem`), reported as ``credentials.keyring-unavailable``, not a
crash. ``keyring`` is imported only here and only when needed, so start-up stays fast.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import netrc
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from asdiag.errors import EXIT_FAILED, AsdiagError
from asdiag.redact import Redactor, Secret, redact_url

KEYRING_TIMEOUT = 5.0
#: How long `asdiag login` may spend checking the password before it stores it.
LOGIN_DEADLINE = 60.0
T = TypeVar("T")


class CredentialsError(AsdiagError):
    """The keyring could not store or remove a secret (``login`` / ``logout`` cannot go on)."""


@dataclass(frozen=True)
class KeyringOutcome:
    """What asking the keyring gave: a password, or why there is none."""

    password: Secret | None = field(default=None, repr=False)
    #: The backend's name, e.g. ``SecretService Keyring``; empty when none could be loaded.
    backend: str = ""
    #: Why the keyring could not be used; empty when it answered (with or without a password).
    problem: str = ""
    #: The service (key) that held the password; empty when none did.
    service: str = ""


#: How settings ask the keyring: ``(services, username) -> outcome``, the services asked in
#: order until one holds a password. Injected so tests and the demo never touch the machine's
#: real keyring.
KeyringLookup = Callable[[Sequence[str], str], KeyringOutcome]


@dataclass(frozen=True)
class KeyringKeys:
    """The keyring services of one index: what pip and uv ask for, in their order."""

    #: pip's order: the index URL ending in one ``/``, then the netloc.
    pip: tuple[str, ...]
    #: uv's order for the index URL written with its trailing slash.
    uv: tuple[str, ...]
    #: uv's first key when the index URL is written without the trailing slash.
    uv_unslashed: str
    #: The base URL older versions of asdiag stored the password under (the catalog's base URL,
    #: the manager's URL without its trailing slash); empty when not known.
    legacy_base: str = ""
    #: The bare host name older versions stored beside it (only when it is not a key above).
    legacy_host: str = ""

    @property
    def stored(self) -> tuple[str, ...]:
        """Every key pip or uv may ask for this index, once each: what ``login`` writes."""
        return _unique((*self.pip, *self.uv, self.uv_unslashed))

    @property
    def legacy(self) -> tuple[str, ...]:
        """The legacy entries that are not new keys too: read (the base URL) and removed, never
        written."""
        return tuple(s for s in (self.legacy_base, self.legacy_host) if s and s not in self.stored)

    @property
    def lookup(self) -> tuple[str, ...]:
        """asdiag's own order: every stored key, then the legacy base URL."""
        return _unique((*self.stored, self.legacy_base))


def _unique(items: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(item for item in items if item))


def keyring_keys(index_url: str, *, legacy_base: str | None = None) -> KeyringKeys:
    """The keyring services pip and uv ask for ``index_url`` (the URL they are configured
    with, e.g. ``<base>/simple/``); pure.

    ``legacy_base`` is the service older versions of asdiag used for this index (the catalog's
    base URL; the manager's URL without its trailing slash).
    """
    parts = urlsplit(index_url.strip())
    scheme = parts.scheme.lower()
    netloc = parts.netloc.rpartition("@")[2]  # pip: split_auth_netloc_from_url
    host = (parts.hostname or "").lower()
    bracketed = f"[{host}]" if ":" in host else host  # an IPv6 literal keeps its brackets
    try:
        port = parts.port
    except ValueError:
        port = None
    default_port = {"http": 80, "https": 443}.get(scheme)
    uv_host = bracketed if port in (None, default_port) else f"{bracketed}:{port}"
    path = parts.path or "/"

    pip_index = urlunsplit((parts.scheme, netloc, path.rstrip("/") + "/", "", ""))
    uv_index = f"{scheme}://{uv_host}{path.rstrip('/')}/"
    uv_unslashed = f"{scheme}://{uv_host}{path.rstrip('/')}" if path.rstrip("/") else uv_index
    uv = [uv_index, uv_host]
    if scheme != "https":
        uv.append(f"{scheme}://{uv_host}")
    pip, uv_keys = _unique((pip_index, netloc)), _unique(uv)
    stored = _unique((*pip, *uv_keys, uv_unslashed))
    base = legacy_base.rstrip("/") if legacy_base else ""
    legacy_host = host if base and host not in stored else ""
    return KeyringKeys(pip, uv_keys, uv_unslashed, base, legacy_host)


def fingerprint(secret: Secret) -> str:
    """A short, stable, non-reversible tag to tell two passwords apart without showing either."""
    return "sha256:" + hashlib.sha256(secret.reveal().encode()).hexdigest()[:8]


def _with_timeout(call: Callable[[], T], timeout: float) -> T:
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    try:
        return pool.submit(call).result(timeout=timeout)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)  # a stuck backend must not hold the run


def _backend_problem(backend: object) -> str:
    """Why this backend cannot store secrets, or ``""`` when it can."""
    module = type(backend).__module__
    if module == "keyring.backends.fail":
        return "no keyring backend is available on this machine"
    if module == "keyring.backends.null":
        return "the keyring is disabled (null backend)"
    if module.startswith("keyring.backends.chainer") and not getattr(backend, "backends", ()):
        return "no keyring backend is available on this machine"
    return ""


def backend_name(backend: object) -> str:
    name = getattr(backend, "name", "") or type(backend).__name__
    return str(name)


def plaintext_warning(backend: object) -> str:
    """keyrings.alt's plaintext backend keeps passwords readable on disk: say so."""
    if (
        type(backend).__module__.startswith("keyrings.alt")
        and "PlaintextKeyring" in type(backend).__name__
    ):
        return "keyrings.alt's PlaintextKeyring stores the password unencrypted on disk"
    return ""


def keyring_lookup(
    services: Sequence[str] | str, username: str, timeout: float = KEYRING_TIMEOUT
) -> KeyringOutcome:
    """Ask the system keyring for ``username`` under each service in turn, as a client does,
    until one holds a password; never raises, never hangs (one timeout for them all)."""
    asked = (services,) if isinstance(services, str) else tuple(services)

    def ask() -> KeyringOutcome:
        import keyring

        backend = keyring.get_keyring()
        name = backend_name(backend)
        problem = _backend_problem(backend)
        if problem:
            return KeyringOutcome(backend=name, problem=problem)
        for service in asked:
            value = backend.get_password(service, username)
            if value:
                return KeyringOutcome(Secret(value), name, service=service)
        return KeyringOutcome(backend=name)

    try:
        return _with_timeout(ask, timeout)
    except concurrent.futures.TimeoutError:
        return KeyringOutcome(problem=f"the keyring did not answer within {timeout:g} s (locked?)")
    except Exception as exc:  # any backend error: report it, carry on without the keyring
        return KeyringOutcome(problem=f"the keyring failed: {type(exc).__name__}: {exc}")


def _legacy_to_remove(backend: Any, keys: KeyringKeys, username: str) -> tuple[str, ...]:
    """What an older ``asdiag login`` stored, to remove once the new keys are written: the
    base URL, and the bare host name only when it holds the same password (the two were
    written together; a bare host entry with another password belongs to something else).
    Asked before anything is written, since the base URL may be one of the new keys."""
    if not keys.legacy_base:
        return ()
    value = backend.get_password(keys.legacy_base, username)
    if not value:
        return ()
    remove = [] if keys.legacy_base in keys.stored else [keys.legacy_base]
    if keys.legacy_host and backend.get_password(keys.legacy_host, username) == value:
        remove.append(keys.legacy_host)
    return tuple(remove)


def _delete(backend: Any, services: Sequence[str], username: str) -> list[str]:
    """Delete each entry that exists; returns the services that held one."""
    from keyring.errors import PasswordDeleteError

    deleted = []
    for service in services:
        try:
            backend.delete_password(service, username)
            deleted.append(service)
        except PasswordDeleteError:
            pass
    return deleted


def keyring_store(
    keys: KeyringKeys, username: str, password: Secret, timeout: float = KEYRING_TIMEOUT
) -> tuple[str, str, tuple[str, ...]]:
    """Store the password under every key pip and uv ask (``keys.stored``) and remove the
    legacy entries; returns the backend's name, for a backend that keeps it unencrypted a
    warning, and the legacy services removed.

    :raises CredentialsError: when there is no usable backend, or it fails or hangs.
    """

    def store() -> tuple[str, str, tuple[str, ...]]:
        import keyring

        backend = keyring.get_keyring()
        problem = _backend_problem(backend)
        if problem:
            raise CredentialsError(f"cannot store the password: {problem}")
        legacy = _legacy_to_remove(backend, keys, username)
        for service in keys.stored:
            backend.set_password(service, username, password.reveal())
        removed = _delete(backend, legacy, username)
        return backend_name(backend), plaintext_warning(backend), tuple(removed)

    return _keyring_call(store, timeout, "store the password")


def keyring_remove(
    keys: KeyringKeys, username: str, timeout: float = KEYRING_TIMEOUT
) -> tuple[str, ...]:
    """Remove every stored entry and the legacy ones; returns the services that held one
    (empty when there was nothing to remove).

    :raises CredentialsError: when the keyring cannot be used.
    """

    def remove() -> tuple[str, ...]:
        import keyring

        backend = keyring.get_keyring()
        problem = _backend_problem(backend)
        if problem:
            raise CredentialsError(f"cannot remove the password: {problem}")
        legacy = _legacy_to_remove(backend, keys, username)
        return tuple(_delete(backend, (*keys.stored, *legacy), username))

    return _keyring_call(remove, timeout, "remove the password")


def _keyring_call(call: Callable[[], T], timeout: float, what: str) -> T:
    try:
        return _with_timeout(call, timeout)
    except CredentialsError:
        raise
    except concurrent.futures.TimeoutError:
        raise CredentialsError(
            f"cannot {what}: the keyring did not answer within {timeout:g} s (locked?)"
        ) from None
    except Exception as exc:
        raise CredentialsError(f"cannot {what}: {type(exc).__name__}: {exc}") from None


# --- .netrc ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NetrcEntry:
    path: str
    login: str
    password: Secret = field(repr=False)


def netrc_lookup(host: str, environ: Mapping[str, str]) -> NetrcEntry | None:
    """The ``.netrc`` entry for ``host`` (or its ``default``), if any, from the file pip would
    read (the one the client check reports on); never raises."""
    from asdiag.client_config import netrc_location

    path = netrc_location(environ)
    try:
        entry = netrc.netrc(path).authenticators(host)
    except (OSError, netrc.NetrcParseError, UnicodeDecodeError):
        return None  # missing, broken or not UTF-8: the client check reports a broken file
    if not entry or not entry[2]:
        return None
    login, _, password = entry
    return NetrcEntry(path, login or "", Secret(password))


# --- checking a password before storing it -------------------------------------------------------


class LoginRefused(AsdiagError):
    """The catalog did not accept the password: nothing was stored."""

    exit_code = EXIT_FAILED


def verify_password(
    simple_url: str,
    username: str,
    password: Secret,
    *,
    timeout: float,
    ca_bundle: str | None,
    ca_bundle_source: str,
    environ: Mapping[str, str],
    redactor: Redactor,
) -> str:
    """One authenticated GET of ``<base>/simple/``; returns what answered.

    :raises LoginRefused: when the catalog refuses the credentials or gives no usable answer.
    """
    from asdiag.http import (
        BasicCredentials,
        HttpClient,
        HttpOptions,
        choose_ca_bundle,
        choose_proxy,
    )
    from asdiag.timelimits import Deadline
    from asdiag.urls import Origin

    bundle = choose_ca_bundle(ca_bundle, ca_bundle_source, environ)
    # One request, redirects included, bounded like a command: never a hang at the prompt.
    options = HttpOptions(
        timeout, bundle, choose_proxy(simple_url, environ), deadline=Deadline(LOGIN_DEADLINE)
    )
    with HttpClient(options, redactor) as client:
        fetched = client.get(
            simple_url,
            probe="login",
            credentials=BasicCredentials(username, password, Origin.of(simple_url)),
        )
    if fetched.failure is not None:
        from asdiag.checks.transport import failure_phrase

        raise LoginRefused(
            f"could not check the password at {redact_url(simple_url)}: "
            f"{failure_phrase(fetched)}; nothing stored. Run `asdiag check`, or store it "
            "anyway with --no-verify."
        )
    status = fetched.status
    if status == 200:
        return f"{redact_url(simple_url)} answered 200"
    if fetched.refused_elsewhere:
        raise LoginRefused(
            f"{redact_url(simple_url)} redirected to another origin, which answered {status}; "
            "the credentials were not sent there, so nothing was proven; nothing stored. Run "
            "`asdiag check`, or store it anyway with --no-verify."
        )
    if status in (401, 403):
        raise LoginRefused(
            f"{redact_url(simple_url)} refused the credentials for {username!r} ({status}); "
            "nothing stored. Run `asdiag check` to tell a wrong password from a wrong URL."
        )
    raise LoginRefused(
        f"{redact_url(simple_url)} answered {status}; nothing stored. Run `asdiag check`, or "
        "store it anyway with --no-verify."
    )
