"""What a failed request means, decided once for every probe of every command.

A request that ends without a usable answer (refused, reset, truncated, stalled, slow, TLS,
undecodable, an unusable redirect, the command's deadline) becomes the same finding id whether
it was ``check``'s anonymous probe, a project page of ``package``, a file probe of
``requirements`` or a request through the repository manager; the summary names the probe.
A 401 or 403 from an origin the credentials were withheld from is its own finding: the
credentials asdiag holds were never tried there, so the answer says nothing about them.
"""

from __future__ import annotations

from collections.abc import Mapping

from asdiag.evidence import Exchange, FailureKind, FetchResult
from asdiag.findings import Finding
from asdiag.registry import kind
from asdiag.urls import Origin

#: The finding id each kind of failed request is reported as.
FAILURE_IDS: Mapping[FailureKind, str] = {
    FailureKind.DNS: "net.dns-failed",
    FailureKind.REFUSED: "net.connect-refused",
    FailureKind.CONNECT_TIMEOUT: "net.connect-timeout",
    FailureKind.TLS: "tls.verify-failed",
    FailureKind.READ_TIMEOUT: "net.read-timeout",
    FailureKind.RESET: "net.connection-reset",
    FailureKind.TRUNCATED: "net.body-truncated",
    FailureKind.SLOW_BODY: "net.slow-body",
    FailureKind.DECODE: "http.undecodable-body",
    FailureKind.REDIRECT_LOOP: "http.redirect-loop",
    FailureKind.BAD_REDIRECT: "http.bad-redirect",
    FailureKind.DEADLINE: "run.deadline-reached",
    FailureKind.OTHER: "net.connect-failed",
}
#: Failures that come with an answer's head: a redirect asdiag cannot follow to the end.
_REDIRECT_FAILURES = frozenset({FailureKind.REDIRECT_LOOP, FailureKind.BAD_REDIRECT})
#: The ids of requests that got no usable answer at all (the ``connect`` check's blockers).
CONNECTION_IDS = tuple(
    dict.fromkeys(i for k, i in FAILURE_IDS.items() if k not in _REDIRECT_FAILURES)
)
REDIRECT_IDS = tuple(FAILURE_IDS[k] for k in sorted(_REDIRECT_FAILURES))
#: Every id a failed request can be reported as, and the one for another origin's refusal.
TRANSPORT_IDS = (*CONNECTION_IDS, *REDIRECT_IDS, "auth.other-origin-refused")


#: Failures whose message asdiag wrote itself (a limit, a redirect): already in the summary.
_OWN_MESSAGES = frozenset(
    {
        FailureKind.CONNECT_TIMEOUT,
        FailureKind.READ_TIMEOUT,
        FailureKind.SLOW_BODY,
        FailureKind.DEADLINE,
        FailureKind.REDIRECT_LOOP,
        FailureKind.BAD_REDIRECT,
        FailureKind.DECODE,  # the summary quotes it
    }
)


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} bytes"
    if count < 1024 * 1024:
        return f"{count / 1024:.1f} KiB"
    return f"{count / (1024 * 1024):.1f} MiB"


def failure_phrase(fetch: FetchResult) -> str:
    """What happened to the request, in a few words with its figures."""
    failure = fetch.failure
    assert failure is not None
    last = fetch.exchanges[-1] if fetch.exchanges else None
    origin = Origin.of(last.url) if last is not None else Origin("", "the server", 0)
    host = origin.host
    answer = f"the {failure.status} answer" if failure.status is not None else "the answer"
    rate = _size(int(failure.received / max(failure.seconds, 0.001)))
    phrases = {
        FailureKind.DNS: f"{host} does not resolve",
        FailureKind.REFUSED: f"{host} refused the connection on port {origin.port}",
        FailureKind.CONNECT_TIMEOUT: f"no connection to {host} {failure.message}",
        FailureKind.READ_TIMEOUT: f"{host} sent no complete answer {failure.message}",
        FailureKind.RESET: f"the connection to {host} broke before the answer was complete",
        FailureKind.TRUNCATED: (
            f"{answer} from {host} stopped at {_size(failure.received)} of body: the "
            "connection closed before the rest"
        ),
        FailureKind.SLOW_BODY: (
            f"{answer} from {host} did not finish {failure.message}: "
            f"{_size(failure.received)} of body in {failure.seconds:.1f} s ({rate}/s)"
        ),
        FailureKind.DECODE: f"the answer from {host} could not be decoded ({failure.message})",
        FailureKind.REDIRECT_LOOP: failure.message,
        FailureKind.BAD_REDIRECT: f"redirected to a URL that cannot be followed: {failure.message}",
        FailureKind.DEADLINE: failure.message,
        FailureKind.TLS: f"TLS with {host} failed: {failure.message}",
    }
    return phrases.get(failure.kind, f"the request to {host} failed")


def failure_finding(fetch: FetchResult, what: str = "", *, detail: str = "") -> Finding:
    """The finding for ``fetch``'s failure; ``what`` names the probe ("The authenticated
    request to https://.../simple/", "page numpy"), or nothing for the first request of all."""
    failure = fetch.failure
    assert failure is not None
    phrase = failure_phrase(fetch)
    host = Origin.of(fetch.exchanges[-1].url).host if fetch.exchanges else ""
    if not what and not (host and phrase.startswith(host)):  # a host name keeps its case
        phrase = phrase[:1].upper() + phrase[1:]
    summary = f"{what}: {phrase}." if what else f"{phrase}."
    lines = [detail] if detail else []
    if failure.kind not in _OWN_MESSAGES:
        lines.insert(0, f"The client said: {failure.message}.")
    return kind(FAILURE_IDS[failure.kind]).finding(
        summary, detail="\n".join(lines), evidence=fetch.exchanges
    )


def other_origin_refusal(
    fetch: FetchResult, what: str, *, evidence: tuple[Exchange, ...] = ()
) -> Finding:
    """A refusal from an origin the credentials do not belong to (after a redirect, or a file
    link to another host): name the origin and why nothing was sent there."""
    last = fetch.exchanges[-1]
    status = fetch.response.status if fetch.response is not None else None
    lines = [f"URL that answered {status}: {last.url}"]
    if len(fetch.exchanges) > 1:
        lines.append(f"Reached by redirects from: {fetch.exchanges[0].url}")
    return kind("auth.other-origin-refused").finding(
        f"{what}: {Origin.of(last.url)} answered {status} without credentials. It is not the "
        "origin the credentials belong to, so asdiag did not send them there (nor would pip or "
        "uv).",
        detail="\n".join(lines),
        evidence=evidence or fetch.exchanges,
    )


def withheld_sentence(fetch: FetchResult) -> str:
    """Why credentials were not sent with ``fetch`` (empty when they were)."""
    last = next((e for e in reversed(fetch.exchanges) if e.credentials_withheld), None)
    return last.credentials_withheld.sentence() if last and last.credentials_withheld else ""


def fetch_problem(fetch: FetchResult, what: str) -> Finding | None:
    """A failed request or another origin's refusal, as a finding; ``None`` when the request
    got an answer the caller should judge (a redirect loop or an unusable redirect still
    carries a response, and is a failure too)."""
    if fetch.failure is not None:
        return failure_finding(fetch, what)
    if fetch.refused_elsewhere:
        return other_origin_refusal(fetch, what)
    return None


def page_problem(fetch: FetchResult, what: str) -> Finding | None:
    """:func:`fetch_problem`, and for a page (not a one-byte file probe) an answer cut at the
    body cap: a page judged from its first megabytes would be judged wrong."""
    problem = fetch_problem(fetch, what)
    if problem is None and fetch.response is not None and fetch.response.truncated:
        size = len(fetch.response.body) // (1024 * 1024)
        return kind("http.body-too-large").finding(
            f"{what}: the answer exceeded {size} MiB; asdiag stopped reading.",
            evidence=fetch.exchanges,
        )
    return problem
