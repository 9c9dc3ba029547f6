"""Authentication, decided from the pair: the anonymous request and the authenticated one.

No single status means "wrong password": the catalog answers 401 twice, pypiserver and devpi
answer 403, devpi and Artifactory may hide a resource behind 404 (see
``shared/reference/index-servers.md``). So the verdict comes from comparing what the same URL
answered without and with credentials, and a refusal lists every cause that fits, most likely
first, with what would tell them apart.
"""

from __future__ import annotations

from collections.abc import Sequence

from asdiag.checks.base import Context
from asdiag.checks.network import skip
from asdiag.checks.transport import other_origin_refusal
from asdiag.evidence import Exchange, FetchResult, Withheld
from asdiag.findings import Finding
from asdiag.registry import kind
from asdiag.servers import said
from asdiag.simple_api import NotAnIndex, parse_index_root
from asdiag.urls import is_uuid

AUTH_BLOCKING = (
    "auth.other-origin-refused",
    "auth.missing-credentials",
    "auth.bad-credentials",
    "auth.forbidden",
    "auth.not-found-with-credentials",
)
_CURL = 'curl -sS -o /dev/null -w "%{{http_code}}\\n" -u "{user}" "{url}"'


def _challenge(fetch: FetchResult) -> str | None:
    return fetch.exchanges[-1].header("www-authenticate")


def _curl(ctx: Context) -> tuple[str, ...]:
    if ctx.url is None:
        return ()
    setting = ctx.settings.username
    user = "$TOKEN" if setting.secret else setting.value or "$ORG_ID"
    return (_CURL.format(user=user, url=ctx.url.simple_url),)


def check_auth(ctx: Context) -> Sequence[Finding]:
    anonymous = ctx.evidence.anonymous
    if anonymous is None or anonymous.response is None:
        return [skip("Not evaluated: the index gave no answer.")]
    anon_status = anonymous.response.status
    authenticated = ctx.evidence.authenticated
    evidence = anonymous.exchanges + (authenticated.exchanges if authenticated else ())

    if anon_status == 200:
        response = anonymous.response
        if isinstance(parse_index_root(response.body, response.content_type), NotAnIndex):
            # A sign-in page or web UI answering 200 says nothing about the index's access rules.
            return [skip("Not evaluated: what answered is not an index (see index).")]
        return [
            kind("auth.anonymous-allowed").finding(
                f"{anonymous.response.url} answered 200 without credentials.", evidence=evidence
            )
        ]
    if anon_status not in (401, 403, 404):
        return [skip(f"Not evaluated: the anonymous request was answered {anon_status}.")]
    if ctx.settings.password.value is None:
        if anon_status == 404:
            return [skip("Not evaluated: no credentials, and the index answers 404 (see index).")]
        return [
            kind("auth.missing-credentials").finding(
                f"The index answered {anon_status} without credentials, and no password was given.",
                detail=_challenge_line(anonymous),
                evidence=evidence,
            )
        ]
    if authenticated is None or authenticated.response is None:
        return [skip("Not evaluated: the authenticated request got no answer.")]
    withheld = authenticated.credentials_withheld
    if withheld is Withheld.PLAIN_HTTP:
        # The client refuses them on the catalog URL's first request: the URL check names it,
        # unless the URL is this machine's and the plain-http proxy is what is not.
        insecure = ctx.url is not None and not ctx.url.is_loopback
        return [
            skip(
                f"Not evaluated: {withheld.sentence()}.",
                blocked_by="url.insecure-scheme" if insecure else "",
            )
        ]
    if authenticated.refused_elsewhere:
        return [other_origin_refusal(authenticated, "The authenticated request", evidence=evidence)]
    if withheld is not None:
        return [
            skip(
                f"Not evaluated: the index redirected to another origin, which answered "
                f"{authenticated.response.status} without the credentials ({withheld.sentence()})."
            )
        ]
    return _verdict(ctx, anonymous, authenticated, evidence)


def _challenge_line(fetch: FetchResult) -> str:
    challenge = _challenge(fetch)
    if challenge:
        return f"Challenge: WWW-Authenticate: {challenge}"
    return "The refusal carried no WWW-Authenticate challenge."


def _verdict(
    ctx: Context, anonymous: FetchResult, authenticated: FetchResult, evidence: tuple[Exchange, ...]
) -> Sequence[Finding]:
    assert anonymous.response is not None and authenticated.response is not None
    anon_status = anonymous.response.status
    auth_status = authenticated.response.status
    user = ctx.settings.username
    who = f"as {user.shown!r}"
    pair = f"without credentials: {anon_status}; with credentials {who}: {auth_status}."

    if auth_status == 200:
        challenge = _challenge(anonymous)
        if anon_status == 401 and challenge and challenge.lower().startswith("basic"):
            return [
                kind("auth.challenge-ok").finding(
                    f"401 challenge, then 200 {who}.", evidence=evidence
                )
            ]
        return [
            kind("auth.no-challenge").finding(
                f"Anonymous requests get {anon_status} without a Basic challenge; credentials "
                f"sent up front work ({who}).",
                detail=_challenge_line(anonymous),
                evidence=evidence,
            )
        ]
    if auth_status == 401:
        return [
            kind("auth.bad-credentials").finding(
                f"Two 401s in a row: {pair}",
                detail=_bad_credentials_detail(ctx, authenticated),
                commands=_curl(ctx),
                evidence=evidence,
            )
        ]
    if auth_status == 403:
        return [_forbidden(ctx, anonymous, authenticated, pair, evidence)]
    if auth_status == 404:
        if anon_status == 404:
            return [skip("The index answers 404 with and without credentials (see index).")]
        return [
            kind("auth.not-found-with-credentials").finding(
                f"Refused anonymously, not found with credentials: {pair}",
                detail=_server_says(authenticated),
                evidence=evidence,
            )
        ]
    return [skip(f"Not evaluated: the authenticated request was answered {auth_status}.")]


def _server_says(fetch: FetchResult) -> str:
    """The refusal's own sentence (devpi's ``error``, Artifactory's ``errors[].message``)."""
    message = said(fetch)
    return f"The server says: {message}" if message else ""


def _bad_credentials_detail(ctx: Context, authenticated: FetchResult) -> str:
    lines = [_server_says(authenticated)] if _server_says(authenticated) else []
    org_id = ctx.url.org_id if ctx.url is not None else None
    user = ctx.settings.username.value
    if org_id and user and user != org_id:
        lines.append(
            f"The username {ctx.settings.username.shown!r} is not the organisation id {org_id}: "
            "the likely cause."
        )
    lines.append(f"The username came from {ctx.settings.username.describe()}.")
    lines.append(f"The password came from {ctx.settings.password.describe()}.")
    return "\n".join(lines)


def _forbidden(
    ctx: Context,
    anonymous: FetchResult,
    authenticated: FetchResult,
    pair: str,
    evidence: tuple[Exchange, ...],
) -> Finding:
    """403 with credentials: list the causes that fit, most likely first."""
    url = ctx.url
    assert url is not None
    causes: list[str] = []
    org_id = url.org_id
    user = ctx.settings.username.value
    if org_id and is_uuid(org_id) and user and user != org_id:
        causes.append(
            f"The username {ctx.settings.username.shown!r} is not the organisation id {org_id} "
            "in the URL."
        )
    challenged = anonymous.response is not None and anonymous.response.status == 401
    # devpi refuses anonymous and wrong credentials alike with 403, never with a challenge.
    server = ctx.evidence.server
    challenged = challenged or (server is not None and server.product == "devpi")
    wrong_org = (
        "The URL or organisation id is wrong, or names another organisation's catalog: "
        "the credentials are valid but not for this catalog."
    )
    wrong_password = (
        "The password is wrong and this server answers a wrong password with 403 rather than "
        "a second 401 (pypiserver and devpi do)."
    )
    if url.is_catalog_host:
        causes += [wrong_org, wrong_password if challenged else ""]
    else:
        causes += [wrong_password if challenged else "", wrong_org]
    headers = dict(authenticated.exchanges[-1].headers)
    if "x-jfrog-version" in headers or "x-artifactory-id" in headers:
        causes.append(
            "Artifactory: the user lacks Deploy/Cache permission on the remote repository."
        )
    if url.repeated_index_segment:
        causes.append(
            f"The URL repeats /{url.index_segment}; a repository manager configured that way "
            "builds invalid paths and is refused."
        )
    causes = [c for c in causes if c]
    numbered = "\n".join(f"{i}. {cause}" for i, cause in enumerate(causes, 1))
    sources = (
        f"Username from {ctx.settings.username.describe()}; "
        f"password from {ctx.settings.password.describe()}."
    )
    tell = (
        "To tell them apart: if the same credentials get 200 at the URL the vendor issued, the "
        "URL is wrong; if they get 401 or 403 there too, the password is."
    )
    server_says = _server_says(authenticated)
    return kind("auth.forbidden").finding(
        f"403 with credentials: {pair}",
        detail=(f"{server_says}\n" if server_says else "")
        + f"Possible causes, most likely first:\n{numbered}\n{tell}\n{sources}",
        commands=_curl(ctx),
        evidence=evidence,
    )
