"""Fuzzed parsers of what a server answers: the index root, PEP 629 versions, ``listed_projects``,
project pages built from structured HTML (``<base>``, entities, declarations), ``Retry-After``,
manager detection and the readers of Artifactory/Nexus REST answers (issue 12).

Each property says: for any input the parser returns normally (or raises only its documented
error), and what it returns has the documented shape. The random text and JSON of project pages
are fuzzed in ``test_simple_api_project.py``; this module adds the markup those tests do not build.
Each property that once failed keeps its smallest failing example as an ``@example``.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from asdiag.batch import retry_after
from asdiag.evidence import Exchange, FetchResult, Response
from asdiag.findings import Finding
from asdiag.managers import ManagerInfo, detect
from asdiag.managers.audit import Audit, audit, config_findings
from asdiag.managers.config import (
    Access,
    AdminApi,
    ConfigRead,
    ManagerConfig,
    Upstream,
    artifactory_access,
    artifactory_upstream,
    json_body,
    members,
    nexus_upstream,
    read_config,
    repository_class,
)
from asdiag.managers.permissions import Principal, decide
from asdiag.simple_api import (
    JSON_CONTENT_TYPE,
    IndexRoot,
    NotAnIndex,
    NotAProjectPage,
    ProjectPage,
    listed_projects,
    parse_api_version,
    parse_index_root,
    parse_project_page,
)
from asdiag.urls import UrlError, manager_index_url

FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PAGE = "https://mgr.example/artifactory/api/pypi/pypi-remote/simple/demo/"

# --- strategies: HTML -----------------------------------------------------------------------------

_NAMES = st.one_of(
    st.sampled_from(["numpy", "Zope.Interface", "a", "a-", "-a", "x_y", "pkg1", "re.quests"]),
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,12}", fullmatch=True),
)
_PROSE = st.text(max_size=20)
_ENTITIES = st.sampled_from(
    [
        "&amp;",
        "&lt;",
        "&gt",
        "&quot;",
        "&#65;",
        "&#x41;",
        "&#0;",
        "&#x110000;",
        "&#99999999999999999999;",
        "&#xD800;",
        "&nosuch;",
        "&",
        "&#;",
        "&#x;",
        "&NotANamedEntity",
    ]
)
_HREF_SCHEMES = st.sampled_from(
    ["", "https:", "http:", "HTTPS:", "javascript:", "mailto:", "ftp:", "data:", "file:"]
)
_HREF_BODIES = st.one_of(
    st.sampled_from(
        [
            "//cdn.example/p/demo-1.0.tar.gz",
            "../../packages/demo-1.0-py3-none-any.whl",
            "/files/demo-1.0.zip",
            "demo-1.0.tar.gz#sha256=" + "ab" * 32,
            "demo-1.0.tar.gz#md5=zz",
            "demo-1.0.tar.gz#egg=demo",
            "http://[::1]:8080/demo.whl",
            "http://[::1/demo.whl",
            "https://h:99999/demo.whl",
            "%2e%2e/x.whl",
            "demo%20one.whl",
            "?",
            "#",
            "/",
            "",
        ]
    ),
    st.text(max_size=15),
)
_HREFS = st.builds(lambda scheme, body: scheme + body, _HREF_SCHEMES, _HREF_BODIES)
_ATTR_NAMES = st.one_of(
    st.sampled_from(
        [
            "href",
            "HREF",
            "data-requires-python",
            "data-yanked",
            "data-core-metadata",
            "data-dist-info-metadata",
            "data-gpg-sig",
            "rel",
        ]
    ),
    st.from_regex(r"[a-z][a-z-]{0,8}", fullmatch=True),
)
_ATTR_VALUES = st.one_of(
    st.none(), _HREFS, st.text(max_size=10), st.sampled_from(["true", "false", "sha256=ab", ""])
)


@st.composite
def _attribute(draw: st.DrawFn) -> str:
    name = draw(_ATTR_NAMES)
    value = draw(_ATTR_VALUES)
    if value is None:
        return name
    quote = draw(st.sampled_from(['"', "'", ""]))
    escaped = html.escape(value, quote=True)
    if quote == "" and (not escaped or any(c in escaped for c in " >\t\n")):
        quote = '"'
    return f"{name}={quote}{escaped}{quote}"


@st.composite
def _anchor(draw: st.DrawFn) -> str:
    attributes = draw(st.lists(_attribute(), max_size=4))
    if draw(st.booleans()):
        attributes.insert(0, f'href="{html.escape(draw(_HREFS))}"')
    text = draw(st.one_of(_NAMES, _PROSE.map(html.escape), _ENTITIES))
    closing = draw(st.sampled_from(["</a>", "</A>", "", "<br/>"]))
    return f"<{draw(st.sampled_from(['a', 'A']))} {' '.join(attributes)}>{text}{closing}"


#: Markup the parser must survive, but for the marked sections ``<![KEYWORD`` that the standard
#: library's ``HTMLParser`` turns into an AssertionError (its own test is below).
_MARKUP = st.one_of(
    _anchor(),
    _ENTITIES,
    _PROSE.map(html.escape),
    st.builds(lambda h: f'<base href="{html.escape(h)}">', _HREFS),
    st.builds(
        lambda v: f'<meta name="pypi:repository-version" content="{html.escape(v)}">',
        st.one_of(st.sampled_from(["1.0", "1.4", "2.0", " 1.1 ", "x"]), st.text(max_size=6)),
    ),
    st.sampled_from(
        [
            "<!DOCTYPE html>",
            "<!doctype html",
            "<html><head><title>Simple index</title></head><body>",
            "</body></html>",
            "<!-- comment -->",
            "<!--",
            "-->",
            "<![CDATA[x]]>",
            "<![if !IE]>",
            "<![endif]>",
            "<!x>",
            "<!>",
            "<?xml version='1.0'?>",
            "<?php",
            "<script>var a = '<a href=x>';</script>",
            "<style>a{}</style>",
            "<textarea><a href=t>t</a></textarea>",
            "<form action=/login>",
            "<input type=password>",
            "<INPUT TYPE=PASSWORD>",
            "<h1>Links for demo</h1>",
            "<br/>",
            "</a>",
            "<a",
            "<",
            ">",
            "</",
            "<a href>",
            "<a href=''>",
            "\x00",
            "\ufeff",
        ]
    ),
)
_DOCUMENTS = st.lists(_MARKUP, max_size=12).map("".join)
_BODY_BYTES = st.one_of(
    _DOCUMENTS.map(lambda d: d.encode("utf-8", "surrogatepass")),
    _DOCUMENTS.map(lambda d: d.encode("utf-16")),
    st.binary(max_size=80),
)
_CONTENT_TYPES = st.sampled_from(
    ["text/html", "application/vnd.pypi.simple.v1+html", JSON_CONTENT_TYPE, "", "text/plain"]
)

# --- strategies: JSON -----------------------------------------------------------------------------

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=10),
)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _around(keys: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """A JSON object with some of the expected ``keys`` (each of its expected shape or of any
    shape), sometimes any JSON value instead."""
    shaped = {key: strategy | _JSON for key, strategy in keys.items()}
    return st.one_of(
        st.fixed_dictionaries({}, optional=shaped),
        st.fixed_dictionaries({}, optional=shaped),
        st.fixed_dictionaries({}, optional=shaped).flatmap(
            lambda d: st.dictionaries(st.text(max_size=6), _JSON, max_size=3).map(
                lambda extra: {**extra, **d}
            )
        ),
        _JSON,
    )


_API_VERSIONS = st.one_of(st.sampled_from(["1.0", "1.4", "2.0", "1", ""]), _SCALARS)
_INDEX_JSON = _around(
    {
        "meta": _around({"api-version": _API_VERSIONS, "_last-serial": st.integers()}),
        "projects": st.lists(_around({"name": _NAMES | _SCALARS, "_last-serial": _SCALARS})),
    }
)

# --- the index root -------------------------------------------------------------------------------


def _check_root(root: IndexRoot | NotAnIndex) -> None:
    assert isinstance(root, IndexRoot | NotAnIndex)
    if isinstance(root, NotAnIndex):
        assert root.reason
        return
    assert root.format in ("html", "json")
    assert all(isinstance(name, str) for name in root.projects)
    assert root.api_version is None or isinstance(root.api_version, str)


@FAST
@given(_BODY_BYTES, _CONTENT_TYPES)
def test_index_root_markup_never_raises(body: bytes, content_type: str) -> None:
    root = parse_index_root(body, content_type)
    _check_root(root)
    if isinstance(root, IndexRoot) and root.format == "html":
        # An HTML index lists only link texts that look like project names.
        assert all(name and name == name.strip() for name in root.projects)


@FAST
@given(_INDEX_JSON, st.sampled_from([JSON_CONTENT_TYPE, "application/json"]))
def test_index_root_json_never_raises(data: object, content_type: str) -> None:
    root = parse_index_root(json.dumps(data).encode(), content_type)
    _check_root(root)
    is_index = isinstance(data, dict) and isinstance(data.get("projects"), list)
    assert isinstance(root, IndexRoot) is is_index


@FAST
@given(st.binary(max_size=60), st.text(max_size=40))
def test_index_root_random_bodies_and_types_never_raise(body: bytes, content_type: str) -> None:
    _check_root(parse_index_root(body, content_type))


@settings(max_examples=20, deadline=None)
@example(keyword="foo x")
@given(keyword=st.from_regex(r"[a-z]{1,6}[ x]", fullmatch=True))
def test_marked_sections_never_raise(keyword: str) -> None:
    body = f"<a href='demo-1.0.tar.gz'>demo</a><![{keyword}>".encode()
    _check_root(parse_index_root(body, "text/html"))
    page = parse_project_page(body, "text/html", PAGE)
    assert isinstance(page, ProjectPage | NotAProjectPage)


# --- project pages from structured HTML ----------------------------------------------------------


@FAST
@given(
    _DOCUMENTS,
    st.sampled_from([PAGE, "http://127.0.0.1:8080/simple/demo/", "https://h/simple/demo"]),
)
def test_project_page_markup_gives_only_http_file_urls(document: str, page_url: str) -> None:
    page = parse_project_page(document.encode("utf-8", "surrogatepass"), "text/html", page_url)
    assert isinstance(page, ProjectPage | NotAProjectPage)
    if isinstance(page, NotAProjectPage):
        return
    for dist in page.files:
        parts = urlsplit(dist.url)
        assert parts.scheme in ("http", "https"), dist
        assert "#" not in dist.url
        assert dist.filename
        assert all(
            name in {"sha512", "sha384", "sha256", "sha224", "sha1", "md5"}
            for name, _ in dist.hashes
        )
        assert dist.requires_python is None or dist.requires_python.strip()


# --- PEP 629 versions ----------------------------------------------------------------------------


@FAST
@given(
    st.one_of(
        st.text(max_size=12),
        st.builds(
            lambda a, b, pad: f"{pad}{a}.{b}{pad}",
            st.integers(0, 10**30),
            st.integers(0, 10**30),
            st.sampled_from(["", " ", "\t"]),
        ),
    )
)
def test_api_version_is_a_pair_of_ints_or_none(text: str) -> None:
    version = parse_api_version(text)
    assert version is None or (
        len(version) == 2 and all(isinstance(part, int) and part >= 0 for part in version)
    )
    major, dot, minor = text.strip().partition(".")
    plain = all(part.isascii() and part.isdigit() and len(part) <= 9 for part in (major, minor))
    if dot and plain:
        assert version == (int(major), int(minor))


@settings(max_examples=10, deadline=None)
@example(digits=4301)
@given(digits=st.integers(4301, 6000))
def test_api_version_with_a_huge_number_is_none(digits: int) -> None:
    assert parse_api_version("1" * digits + ".0") is None


# --- listed_projects -----------------------------------------------------------------------------


_FETCHES = st.one_of(
    st.none(),
    st.builds(
        lambda status, ctype, body: FetchResult(
            (), Response(PAGE, status, (("content-type", ctype),), body)
        ),
        st.sampled_from([200, 200, 200, 203, 401, 404, 429, 500]),
        st.sampled_from(["text/html; charset=utf-8", JSON_CONTENT_TYPE, "", "TEXT/HTML"]),
        st.one_of(_BODY_BYTES, _INDEX_JSON.map(lambda d: json.dumps(d).encode())),
    ),
    st.just(FetchResult(())),
)


@FAST
@given(_FETCHES)
def test_listed_projects_is_names_or_none(fetched: FetchResult | None) -> None:
    projects = listed_projects(fetched)
    assert projects is None or all(isinstance(name, str) for name in projects)
    if fetched is None or fetched.response is None or fetched.response.status != 200:
        assert projects is None


# --- Retry-After ----------------------------------------------------------------------------------

_DATES = st.datetimes(
    min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31), timezones=st.just(UTC)
)
_RETRY_AFTER = st.one_of(
    st.integers(-(10**6), 10**6).map(str),
    st.integers(0, 10**400).map(str),
    st.floats().map(repr),
    st.sampled_from(["nan", "NaN", "inf", "-inf", "1e400", "0x10", "1_000", "+5", "5.", " 7 ", ""]),
    _DATES.map(lambda d: format_datetime(d, usegmt=True)),
    st.builds(
        lambda d, zone: d.strftime("%a, %d %b %Y %H:%M:%S ") + zone,
        _DATES,
        st.sampled_from(["GMT", "UT", "+0000", "+0130", "-0800", "EST", "+2400", "Z"]),
    ),
    st.builds(lambda d: d.strftime("%A, %d-%b-%y %H:%M:%S GMT"), _DATES),  # RFC 850
    st.text(st.characters(codec="ascii", exclude_characters="0123456789"), max_size=12),
    st.text(max_size=12),
)


def _response(value: str) -> Response:
    return Response("https://h/simple/", 429, (("retry-after", value),), b"")


@FAST
@given(_RETRY_AFTER)
def test_retry_after_never_raises(value: str) -> None:
    seconds = retry_after(_response(value))
    assert seconds is None or (isinstance(seconds, float) and seconds >= 0)


def test_retry_after_absent_or_without_response_is_none() -> None:
    assert retry_after(None) is None
    assert retry_after(Response("https://h/", 429, (), b"")) is None


@FAST
@given(st.integers(0, 10**6), st.sampled_from(["", " ", "\t"]))
def test_retry_after_seconds_are_read_as_given(number: int, pad: str) -> None:
    assert retry_after(_response(f"{pad}{number}{pad}")) == float(number)


@FAST
@given(st.integers(-(10**6), 10**6))
def test_retry_after_http_date_is_the_time_left(offset: int) -> None:
    moment = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=offset)
    seconds = retry_after(_response(format_datetime(moment, usegmt=True)))
    assert seconds is not None
    assert abs(seconds - max(0, offset)) <= 5


@settings(max_examples=30, deadline=None)
@example(value="Sun Nov  6 08:49:37 1994")
@example(value="Wed, 21 Oct 2015 07:28:00 -0000")
@example(value="\u00b2")
@given(value=st.sampled_from(["Sun, 06 Nov 1994 08:49:37", "\u0663\u0660", "1\u00b2"]))
def test_retry_after_never_raises_for_zoneless_dates_and_odd_digits(value: str) -> None:
    seconds = retry_after(_response(value))
    assert seconds is None or seconds >= 0


@settings(max_examples=10, deadline=None)
@example(digits=400)
@given(digits=st.integers(310, 2000))
def test_retry_after_is_finite(digits: int) -> None:
    seconds = retry_after(_response("9" * digits))
    assert seconds is None or math.isfinite(seconds)


# --- manager detection ---------------------------------------------------------------------------

_MANAGER_URLS = st.sampled_from(
    [
        "https://mgr.example/artifactory/api/pypi/pypi-remote/simple/",
        "https://mgr.example/repository/pypi-group/simple/",
        "http://[::1]:8081/repository/x/simple/",
        "https://u:pw@mgr.example/artifactory/api/pypi/k",
        "https://mgr.example/",
        "https://mgr.example/a/artifactory/api/pypi//",
    ]
)
_HEADER_VALUES = st.one_of(
    st.sampled_from(
        [
            "Artifactory/7.77.5",
            "Artifactory/",
            "Nexus/3.68.1-02 (OSS)",
            "Nexus/3.68.1-02 (PRO",
            "Nexus/",
            "nginx",
            "7.77.5",
            "",
        ]
    ),
    st.text(max_size=20),
)
_HEADERS = st.dictionaries(
    st.sampled_from(["server", "x-jfrog-version", "x-artifactory-id", "x-artifactory-node-id"]),
    _HEADER_VALUES,
)


@FAST
@given(_MANAGER_URLS, _HEADERS)
def test_detect_names_a_product_for_any_headers(url: str, headers: dict[str, str]) -> None:
    info = detect(manager_index_url(url), headers)
    assert info.product in ("artifactory", "nexus", "unknown")
    assert info.label
    if info.product != "unknown":
        assert urlsplit(info.api_root).scheme in ("http", "https")
        assert "@" not in info.api_root  # the userinfo never reaches the REST API root


# --- Artifactory and Nexus REST answers -------------------------------------------------------

_URLS = st.one_of(
    st.sampled_from(
        [
            "https://repository.activestate.com/0d6f1e6e-1b0c-4b0a-9b1a-000000000001/pypi",
            "https://repository.activestate.com/org/pypi/simple/",
            "https://pypi.org/simple",
            "https://files.pythonhosted.org/",
            "https://[::1",
            "http://[bad]/",
            "https://h:99999/",
            "https://\uff03x/",
            "",
        ]
    ),
    st.text(max_size=15),
)
_REPO_NAMES = st.sampled_from(["pypi-remote", "catalog", "pypi-virtual", "public", "x"])
_ARTIFACTORY_REPO = _around(
    {
        "key": _REPO_NAMES,
        "rclass": st.sampled_from(["remote", "virtual", "local", "REMOTE"]),
        "type": st.sampled_from(["remote", "virtual", "LOCAL"]),
        "packageType": st.just("pypi"),
        "url": _URLS,
        "pyPIRegistryUrl": _URLS,
        "pypiRegistryUrl": _URLS,
        "username": st.text(max_size=5),
        "storeArtifactsLocally": st.booleans(),
        "offline": st.booleans(),
        "blackedOut": st.booleans(),
        "retrievalCachePeriodSecs": st.integers(-10, 10**6),
        "missedRetrievalCachePeriodSecs": st.integers(-10, 10**6),
        "xrayIndex": st.booleans(),
        "repositories": st.lists(_REPO_NAMES | _SCALARS, max_size=4),
        "description": st.text(max_size=5),
    }
)
_PERMISSION = _around(
    {
        "name": _REPO_NAMES,
        "repo": _around(
            {
                "repositories": st.lists(_REPO_NAMES | _SCALARS, max_size=3),
                "actions": _around(
                    {
                        "users": st.dictionaries(
                            st.sampled_from(["reader", "admin", "x"]),
                            st.lists(st.sampled_from(["read", "write", "annotate"]) | _SCALARS),
                        )
                        | _JSON
                    }
                ),
            }
        ),
    }
)
_NEXUS_REPO = _around(
    {
        "name": _REPO_NAMES,
        "format": st.just("pypi"),
        "type": st.sampled_from(["proxy", "group", "hosted"]),
        "online": st.booleans(),
        "proxy": _around({"remoteUrl": _URLS, "metadataMaxAge": st.integers(-10, 10**6)}),
        "httpClient": _around(
            {"blocked": st.booleans(), "authentication": _around({"username": st.text(max_size=4)})}
        ),
        "negativeCache": _around({"enabled": st.booleans(), "timeToLive": st.integers(-10, 10**6)}),
        "group": _around({"memberNames": st.lists(_REPO_NAMES | _SCALARS, max_size=4)}),
    }
)


def _answer_for(path: str) -> st.SearchStrategy[Any]:
    """The JSON a REST path answers: its expected shape around its expected keys, or anything."""
    if path.endswith("/api/repositories?packageType=pypi"):
        return st.lists(_ARTIFACTORY_REPO, max_size=4) | _JSON
    if "/api/v2/security/permissions/" in path:
        return _PERMISSION
    if path.endswith("/api/v2/security/permissions"):
        return st.lists(_around({"name": _REPO_NAMES}), max_size=3) | _JSON
    if "/api/repositories/" in path:
        return _ARTIFACTORY_REPO
    if path.endswith("/service/rest/v1/repositories"):
        return st.lists(_NEXUS_REPO, max_size=4) | _JSON
    return _NEXUS_REPO


class _FakeClient:
    """An ``HttpClient`` whose every answer is drawn by hypothesis (no network)."""

    def __init__(self, draw: Callable[..., Any]) -> None:
        self.draw = draw
        self._exchanges: list[Exchange] = []

    @property
    def exchanges(self) -> tuple[Exchange, ...]:
        return tuple(self._exchanges)

    def get(self, url: str, *, probe: str, **_: object) -> FetchResult:
        if len(self._exchanges) > 40:  # a loop over a drawn listing: keep examples small
            status, body = 404, b""
        else:
            status = self.draw(st.sampled_from([200, 200, 200, 200, 401, 403, 404, 500]))
            value = self.draw(_answer_for(url))
            body = self.draw(
                st.sampled_from([json.dumps(value).encode(), b"<html>", b"", b"[" * 3000])
                if self.draw(st.integers(0, 9)) == 0
                else st.just(json.dumps(value).encode())
            )
        exchange = Exchange(probe, "GET", url, status, 1.0)
        self._exchanges.append(exchange)
        response = Response(url, status, (("content-type", "application/json"),), body)
        return FetchResult((exchange,), response)


_INFOS = st.one_of(
    st.builds(
        ManagerInfo,
        st.just("artifactory"),
        _REPO_NAMES,
        api_root=st.just("https://mgr.example/artifactory"),
    ),
    st.builds(ManagerInfo, st.just("nexus"), _REPO_NAMES, api_root=st.just("https://mgr.example")),
    st.just(ManagerInfo("unknown")),
)
_CATALOG_BASES = st.sampled_from(
    [None, "https://repository.activestate.com/0d6f1e6e-1b0c-4b0a-9b1a-000000000001/pypi"]
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data(), _INFOS, st.sampled_from([None, "reader", "x"]))
def test_read_config_never_raises_for_any_answers(
    data: st.DataObject, info: ManagerInfo, user: str | None
) -> None:
    client = _FakeClient(data.draw)
    read = read_config(info, client, None, user)  # type: ignore[arg-type]
    assert isinstance(read, ConfigRead)
    assert (read.config is None) == bool(read.problem)
    if read.config is not None:
        assert all(isinstance(m, str) for m in read.config.members)
        assert all(isinstance(u, Upstream) for u in read.config.upstreams)
        access = read.config.access
        if access is not None:
            assert all(isinstance(t.name, str) for t in access.targets)
        for product in ("artifactory", "nexus"):
            assert all(isinstance(f, Finding) for f in config_findings(read.config, product, None))


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data(), _INFOS, _CATALOG_BASES, st.sampled_from([None, "reader"]))
def test_audit_never_raises_for_any_answers(
    data: st.DataObject, info: ManagerInfo, catalog_base: str | None, user: str | None
) -> None:
    client = _FakeClient(data.draw)
    result = audit(info, client, None, catalog_base, user)  # type: ignore[arg-type]
    assert isinstance(result, Audit)
    assert result.findings
    assert all(isinstance(f, Finding) for f in result.findings)


@FAST
@given(_ARTIFACTORY_REPO, _NEXUS_REPO)
def test_upstream_readers_give_typed_values(artifactory: Any, nexus: Any) -> None:
    readers = []
    if isinstance(artifactory, dict):
        readers.append(artifactory_upstream(artifactory))
        assert isinstance(repository_class(artifactory), str)
    if isinstance(nexus, dict):
        readers.append(nexus_upstream(nexus))
    for upstream in readers:
        assert isinstance(upstream.name, str) and isinstance(upstream.url, str)
        for seconds in (upstream.metadata_cache_seconds, upstream.missed_cache_seconds):
            assert seconds is None or type(seconds) is int
        for flag in (upstream.store_locally, upstream.available, upstream.xray):
            assert flag is None or isinstance(flag, bool)
    assert all(isinstance(m, str) for m in members(artifactory))


@FAST
@given(
    st.lists(
        st.builds(
            Upstream,
            _REPO_NAMES,
            _URLS,
            registry_url=st.none() | _URLS,
            has_credentials=st.booleans(),
            store_locally=st.none() | st.booleans(),
            available=st.none() | st.booleans(),
            metadata_cache_seconds=st.none() | st.integers(-10, 10**6),
            missed_cache_seconds=st.none() | st.integers(-10, 10**6),
            xray=st.none() | st.booleans(),
        ),
        max_size=4,
    ),
    _CATALOG_BASES | _URLS,
    st.sampled_from(["artifactory", "nexus"]),
)
def test_config_rules_never_raise_for_any_upstream_url(
    upstreams: list[Upstream], catalog_base: str | None, product: str
) -> None:
    access = Access(Principal("u", ("g",), admin=False), (), {})
    config = ManagerConfig("pypi-virtual", "virtual", (), tuple(upstreams), access)
    assert all(isinstance(f, Finding) for f in config_findings(config, product, catalog_base))


@FAST
@given(
    st.sampled_from([200, 401]),
    st.binary(max_size=40) | _JSON.map(lambda v: json.dumps(v).encode()),
)
def test_json_body_never_raises(status: int, body: bytes) -> None:
    value = json_body(FetchResult((), Response("https://h/", status, (), body)))
    if status != 200:
        assert value is None


def test_manager_index_url_of_the_detect_urls() -> None:
    # The detection property feeds detect() what manager_index_url() gives; those URLs are valid.
    for url in ("https://mgr.example/", "http://[::1]:8081/x"):
        assert manager_index_url(url).endswith("/")
    with pytest.raises(UrlError):
        manager_index_url("ftp://mgr.example/")


class _PermissionsClient(_FakeClient):
    """Answers the V2 permissions listing with names and each target with a drawn shape."""

    def get(self, url: str, *, probe: str, **_: object) -> FetchResult:
        if url.endswith("/api/v2/security/permissions"):
            value: Any = [{"name": f"p{n}"} for n in range(self.draw(st.integers(0, 3)))]
        else:
            value = self.draw(_PERMISSION)
        response = Response(url, 200, (), json.dumps(value).encode())
        return FetchResult((Exchange(probe, "GET", url, 200, 1.0),), response)


@FAST
@given(st.data())
def test_artifactory_access_never_raises_for_any_permission_target(
    data: st.DataObject,
) -> None:
    api = AdminApi("https://mgr.example/artifactory", _PermissionsClient(data.draw), None)  # type: ignore[arg-type]
    access = artifactory_access(api, "reader")
    for target in access.targets:
        assert all(isinstance(key, str) for key in target.repositories)
        for granted in (*target.users.values(), *target.groups.values()):
            assert all(isinstance(a, str) and a == a.lower() for a in granted)
    decision = decide(access.principal, access.targets, "catalog", "remote", access.admin_groups)
    assert decision.may_cache in (True, False, None)
