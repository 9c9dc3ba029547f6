"""Where a password can come from besides the command line: ``.netrc`` and the system keyring.

The keyring is the one place asdiag stores a secret (``asdiag login``). Its entries use the
catalog's base URL as the service and the organisation id as the username; the same password is
also stored under the host name, the second key pip's keyring support looks up (pip asks for the
index URL first, then the host: ``pip/_internal/network/auth.py``), so pip can find it too.

Every keyring call runs in a worker thread with a timeout: a locked Secret Service or a backend
waiting for a desktop prompt must never hang a CI run. A missing, null or failing backend is an
outcome (:class:`KeyringOutcome.problem`), reported as ``credentials.keyring-unavailable``, not a
crash. ``keyring`` is imported only here and only when needed, so start-up stays fast.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import netrc
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import urlsplit

from asdiag.errors import EXIT_FAILED, AsdiagError
from asdiag.redact import Redactor, Secret, redact_url

KEYRING_TIMEOUT = 5.0
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


#: How settings ask the keyring: ``(service, username) -> outcome``. Injected so tests and the
#: demo never touch the machine's real keyring.
KeyringLookup = Callable[[str, str], KeyringOutcome]


def keyring_services(base_url: str) -> tuple[str, str]:
    """The two keyring services for a catalog: its base URL, then its host (pip's fallback)."""
    host = urlsplit(base_url).hostname or base_url
    return (base_url.rstrip("/"), host)


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


def keyring_lookup(service: str, username: str, timeout: float = KEYRING_TIMEOUT) -> KeyringOutcome:
    """Ask the system keyring for ``service``/``username``; never raises, never hangs."""

    def ask() -> KeyringOutcome:
        import keyring

        backend = keyring.get_keyring()
        problem = _backend_problem(backend)
        if problem:
            return KeyringOutcome(backend=backend_name(backend), problem=problem)
        value = backend.get_password(service, username)
        return KeyringOutcome(Secret(value) if value else None, backend_name(backend))

    try:
        return _with_timeout(ask, timeout)
    except concurrent.futures.TimeoutError:
        return KeyringOutcome(problem=f"the keyring did not answer within {timeout:g} s (locked?)")
    except Exception as exc:  # any backend error: report it, carry on without the keyring
        return KeyringOutcome(problem=f"the keyring failed: {type(exc).__name__}: {exc}")


def keyring_store(
    base_url: str, username: str, password: Secret, timeout: float = KEYRING_TIMEOUT
) -> tuple[str, str]:
    """Store the password under both services; returns the backend's name and, for a backend
    that keeps it unencrypted, a warning.

    :raises CredentialsError: when there is no usable backend, or it fails or hangs.
    """

    def store() -> tuple[str, str]:
        import keyring

        backend = keyring.get_keyring()
        problem = _backend_problem(backend)
        if problem:
            raise CredentialsError(f"cannot store the password: {problem}")
        for service in keyring_services(base_url):
            backend.set_password(service, username, password.reveal())
        return backend_name(backend), plaintext_warning(backend)

    return _keyring_call(store, timeout, "store the password")


def keyring_remove(base_url: str, username: str, timeout: float = KEYRING_TIMEOUT) -> bool:
    """Remove both entries; ``False`` when there was nothing to remove.

    :raises CredentialsError: when the keyring cannot be used.
    """

    def remove() -> bool:
        import keyring
        from keyring.errors import PasswordDeleteError

        backend = keyring.get_keyring()
        problem = _backend_problem(backend)
        if problem:
            raise CredentialsError(f"cannot remove the password: {problem}")
        removed = False
        for service in keyring_services(base_url):
            try:
                backend.delete_password(service, username)
                removed = True
            except PasswordDeleteError:
                pass
        return removed

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

    bundle = choose_ca_bundle(ca_bundle, ca_bundle_source, environ)
    options = HttpOptions(timeout, bundle, choose_proxy(simple_url, environ))
    with HttpClient(options, redactor) as client:
        fetched = client.get(
            simple_url, probe="login", credentials=BasicCredentials(username, password)
        )
    if fetched.failure is not None:
        raise LoginRefused(
            f"could not reach {redact_url(simple_url)} ({fetched.failure.kind}: "
            f"{fetched.failure.message}); nothing stored. Run `asdiag check`, or store it "
            "anyway with --no-verify."
        )
    status = fetched.status
    if status == 200:
        return f"{redact_url(simple_url)} answered 200"
    if status in (401, 403):
        raise LoginRefused(
            f"{redact_url(simple_url)} refused the credentials for {username!r} ({status}); "
            "nothing stored. Run `asdiag check` to tell a wrong password from a wrong URL."
        )
    raise LoginRefused(
        f"{redact_url(simple_url)} answered {status}; nothing stored. Run `asdiag check`, or "
        "store it anyway with --no-verify."
    )
