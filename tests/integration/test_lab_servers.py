"""The lab's servers over real HTTP on 127.0.0.1, held to the reference facts.

The facts come from ``shared/reference/index-servers.md`` (the catalog, devpi and pypiserver),
``shared/reference/repository-managers.md`` sections 1.1-1.10 (Artifactory) and 2.1-2.5 (Nexus),
and the vendor's FAQ (challenge-response auth, rate limit, Deploy/Cache, the Nexus hash lookup).
Three labs, one per auth style, serve the whole module (stopping one takes up to half a second);
the catalog-style one is reloaded after every test that uses it, so each test starts from a
fresh scenario and no state leaks from one test to the next.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import ssl
import tarfile
import threading
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

from asdiag.lab import artifactory, nexus
from asdiag.lab.catalog import AUTH_STYLES, RATE_LIMIT, RATE_WINDOW, Catalog, RateLedger
from asdiag.lab.scenarios import (
    BY_NAME,
    ORG_ID,
    ORG_PASSWORD,
    OTHER_ORG_ID,
    OTHER_ORG_PASSWORD,
    SCENARIOS,
    WRONG_PASSWORD,
)
from asdiag.lab.server import Lab
from asdiag.servers import server_message

#: The Accept header pip sends (repository-managers.md section 3).
PIP_ACCEPT = (
    "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, "
    "text/html; q=0.01"
)
JSON_SIMPLE = "application/vnd.pypi.simple.v1+json"
ORG = (ORG_ID, ORG_PASSWORD)
ART_ADMIN = (artifactory.ADMIN.name, artifactory.ADMIN.password)
ART_DEV = (artifactory.DEVELOPER.name, artifactory.DEVELOPER.password)
NX_ADMIN = (nexus.ADMIN.name, nexus.ADMIN.password)
NX_DEV = (nexus.DEVELOPER.name, nexus.DEVELOPER.password)
HEX64 = "[0-9a-f]{64}"
CATALOG_LINK = re.compile(
    rf"^\.\./\.\./\+f/(?P<short>[0-9a-f]{{3}})/(?P<middle>[0-9a-f]{{13}})/(?P<file>[^/#]+)"
    rf"#sha256=(?P<sha256>{HEX64})$"
)
ARTIFACTORY_LINK = re.compile(
    rf"^\.\./\.\./packages/packages/[0-9a-f]{{2}}/[0-9a-f]{{2}}/[0-9a-f]+/(?P<file>[^/#]+)"
    rf"#sha256=(?P<sha256>{HEX64})$"
)
NEXUS_LINK = re.compile(
    rf"^\.\./\.\./packages/(?P<project>[^/]+)/(?P<version>[^/]+)/(?P<file>[^/#]+)"
    rf"#sha256=(?P<sha256>{HEX64})$"
)
NEXUS_SERVER = re.compile(r"^Nexus/\d+\.\d+\.\d+-\d+ \(COMMUNITY\)$")
Auth = tuple[str, str] | None


# --- fixtures and helpers ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def labs() -> Iterator[dict[str, Lab]]:
    """A healthy lab per auth style, constructed with it; stopped together at the end, since
    stopping one waits up to half a second (the server's poll interval)."""
    running = {style: Lab(BY_NAME["healthy"], auth_style=style).start() for style in AUTH_STYLES}
    yield running
    stoppers = [threading.Thread(target=lab.stop) for lab in running.values()]
    for stopper in stoppers:
        stopper.start()
    for stopper in stoppers:
        stopper.join()


@pytest.fixture
def lab(labs: dict[str, Lab]) -> Iterator[Lab]:
    """The catalog-style lab in the healthy scenario with fresh caches, logs and ledger: each
    test that uses it reloads it afterwards, so the tests that read ``labs`` find it fresh too."""
    yield labs["catalog"]
    labs["catalog"].load(BY_NAME["healthy"])


@pytest.fixture
def use(lab: Lab) -> Callable[[str], Lab]:
    """Switch the lab to a scenario for this test only (``lab`` reloads healthy afterwards)."""

    def load(name: str) -> Lab:
        lab.load(BY_NAME[name])
        return lab

    return load


#: One connection per request unless a test asks for keep-alive.
NO_KEEPALIVE = httpx.Limits(max_keepalive_connections=0)
#: Built once and bare: httpx builds (slowly) a TLS context per client otherwise, and the lab
#: speaks plain HTTP only.
TLS = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def new_client(*, keepalive: bool = False, timeout: float = 10.0) -> httpx.Client:
    return httpx.Client(
        trust_env=False,
        follow_redirects=False,
        timeout=timeout,
        verify=TLS,
        limits=httpx.Limits() if keepalive else NO_KEEPALIVE,
    )


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with new_client() as http:
        yield http


@dataclass
class Anchor:
    attrs: dict[str, str | None]
    text: str = ""

    @property
    def href(self) -> str:
        return self.attrs.get("href") or ""


@dataclass
class Page:
    """What a simple page holds: anchors, meta tags, title, forms."""

    anchors: list[Anchor] = field(default_factory=list)
    metas: list[dict[str, str | None]] = field(default_factory=list)
    title: str = ""
    forms: int = 0
    password_inputs: int = 0

    def anchor(self, filename: str) -> Anchor:
        return next(a for a in self.anchors if a.text == filename)

    def meta(self, name: str) -> dict[str, str | None] | None:
        return next((m for m in self.metas if m.get("name") == name), None)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.page = Page()
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a":
            self.page.anchors.append(Anchor(values))
        elif tag == "meta":
            self.page.metas.append(values)
        elif tag == "form":
            self.page.forms += 1
        elif tag == "input" and values.get("type") == "password":
            self.page.password_inputs += 1
        self._open = tag if tag in ("a", "title") else self._open

    def handle_endtag(self, tag: str) -> None:
        if tag == self._open:
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open == "a":
            self.page.anchors[-1].text += data
        elif self._open == "title":
            self.page.title += data


def parse(text: str) -> Page:
    parser = _Parser()
    parser.feed(text)
    parser.close()
    return parser.page


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def project_url(lab: Lab, name: str, simple: str = "simple") -> str:
    return f"{lab.catalog_url}/{simple}/{name}/"


def get_page(client: httpx.Client, url: str, auth: Auth = ORG, accept: str = "text/html") -> Page:
    response = client.get(url, auth=auth, headers={"Accept": accept})
    assert response.status_code == 200, (url, response.status_code, response.text[:200])
    assert response.headers["content-type"].startswith("text/html")
    return parse(response.text)


def get_json(client: httpx.Client, url: str) -> dict[str, object]:
    response = client.get(url, auth=ORG, headers={"Accept": PIP_ACCEPT})
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON_SIMPLE
    document = response.json()
    assert isinstance(document, dict)
    return document


def json_files(document: dict[str, object]) -> dict[str, dict[str, object]]:
    files = document["files"]
    assert isinstance(files, list)
    return {entry["filename"]: entry for entry in files}


def assert_installable(filename: str, content: bytes) -> None:
    """A wheel is a zip with a dist-info; an sdist is a gzipped tar with PKG-INFO."""
    if filename.endswith(".whl"):
        with zipfile.ZipFile(io.BytesIO(content)) as wheel:
            assert wheel.testzip() is None
            names = wheel.namelist()
        assert any(name.endswith(".dist-info/WHEEL") for name in names)
        assert any(name.endswith(".dist-info/METADATA") for name in names)
    else:
        assert filename.endswith(".tar.gz")
        assert gzip.decompress(content)  # a valid gzip stream
        with tarfile.open(fileobj=io.BytesIO(content), mode="r:gz") as sdist:
            assert any(name.endswith("/PKG-INFO") for name in sdist.getnames())


def versions(page: Page) -> set[str]:
    found = set()
    for anchor in page.anchors:
        stem = anchor.text.removesuffix(".tar.gz").removesuffix(".whl")
        found.add(stem.split("-")[1])
    return found


def visits(lab: Lab) -> int:
    return len(lab.apps.catalog.visits)


# --- the catalog: authentication -----------------------------------------------------------------

#: (style, who) -> (status, challenged, JSON body or None). index-servers.md, the first table.
AUTH_TABLE = {
    ("catalog", "anonymous"): (401, True, None),
    ("catalog", "wrong password"): (401, True, None),
    ("catalog", "other org"): (403, False, None),
    ("pypiserver", "anonymous"): (401, True, None),
    ("pypiserver", "wrong password"): (403, False, None),
    ("pypiserver", "other org"): (403, False, None),
    ("devpi", "anonymous"): (403, False, {"error": "authentication required"}),
    ("devpi", "wrong password"): (403, False, {"error": "authentication required"}),
    ("devpi", "other org"): (404, False, {"error": "index not found"}),
}
WHO: dict[str, Auth] = {
    "anonymous": None,
    "wrong password": (ORG_ID, WRONG_PASSWORD),
    "other org": ORG,  # valid credentials, another organisation's index
}


@pytest.mark.parametrize(
    ("style", "who"), list(AUTH_TABLE), ids=[f"{s}-{w}".replace(" ", "-") for s, w in AUTH_TABLE]
)
def test_refusals_follow_each_auth_style(
    labs: dict[str, Lab], client: httpx.Client, style: str, who: str
) -> None:
    lab = labs[style]
    assert lab.apps.catalog.auth_style == style
    index = lab.catalog_url if who != "other org" else f"{lab.base_url}/{OTHER_ORG_ID}/pypi"
    status, challenged, body = AUTH_TABLE[style, who]

    response = client.get(f"{index}/simple/", auth=WHO[who])

    assert response.status_code == status
    challenge = response.headers.get("www-authenticate")
    if challenged:
        assert challenge == 'Basic realm="pypi"'
    else:
        assert challenge is None
    if body is not None:
        assert response.headers["content-type"] == "application/json"
        assert response.json() == body


@pytest.mark.parametrize("style", AUTH_STYLES)
def test_valid_credentials_read_the_own_index_in_every_style(
    labs: dict[str, Lab], client: httpx.Client, style: str
) -> None:
    lab = labs[style]
    own = client.get(f"{lab.catalog_url}/simple/", auth=ORG)
    other = client.get(
        f"{lab.base_url}/{OTHER_ORG_ID}/pypi/simple/", auth=(OTHER_ORG_ID, OTHER_ORG_PASSWORD)
    )
    assert (own.status_code, other.status_code) == (200, 200)
    assert "internal-tools" in other.text
    assert "internal-tools" not in own.text


def test_an_unknown_auth_style_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown auth style"):
        Catalog([], auth_style="ldap")


@pytest.mark.parametrize(
    ("auth", "status"),
    [(ORG, 404), (None, 401), ((ORG_ID, WRONG_PASSWORD), 401)],
    ids=["valid", "anonymous", "wrong-password"],
)
def test_authentication_is_checked_before_existence(
    lab: Lab, client: httpx.Client, auth: Auth, status: int
) -> None:
    response = client.get(project_url(lab, "no-such-project"), auth=auth)
    assert response.status_code == status
    if status == 404:
        assert "no-such-project" in response.text
    else:
        assert response.headers["www-authenticate"].startswith("Basic ")


@pytest.mark.parametrize("style", AUTH_STYLES)
def test_anonymous_callers_cannot_tell_missing_from_present(
    labs: dict[str, Lab], client: httpx.Client, style: str
) -> None:
    lab = labs[style]
    present = client.get(project_url(lab, "requests"))
    missing = client.get(project_url(lab, "no-such-project"))
    assert present.status_code == missing.status_code
    assert present.status_code in (401, 403)


# --- the catalog: URLs, redirects, negotiation ---------------------------------------------------


@pytest.mark.parametrize(
    "path", ["", "requests/", "zope-interface/"], ids=["root", "requests", "zope-interface"]
)
@pytest.mark.parametrize("accept", ["text/html", PIP_ACCEPT], ids=["html", "json"])
def test_plus_simple_serves_what_simple_serves(
    lab: Lab, client: httpx.Client, path: str, accept: str
) -> None:
    plain = client.get(f"{lab.catalog_url}/simple/{path}", auth=ORG, headers={"Accept": accept})
    plus = client.get(f"{lab.catalog_url}/+simple/{path}", auth=ORG, headers={"Accept": accept})
    assert plain.status_code == plus.status_code == 200
    assert plain.headers["content-type"] == plus.headers["content-type"]
    assert plain.content == plus.content


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("simple/Zope.Interface/", "simple/zope-interface/"),
        ("simple/ZOPE_interface/", "simple/zope-interface/"),
        ("simple/ZOPE_interface", "simple/zope-interface/"),
        ("simple/requests", "simple/requests/"),
        ("simple/Typing_Extensions/", "simple/typing-extensions/"),
        ("+simple/Zope.Interface/", "+simple/zope-interface/"),
        ("simple", "simple/"),
    ],
)
def test_unnormalised_names_and_missing_slashes_redirect(
    lab: Lab, client: httpx.Client, path: str, target: str
) -> None:
    response = client.get(f"{lab.catalog_url}/{path}", auth=ORG)
    assert response.status_code == 302
    location = response.headers["location"]
    assert urlsplit(location).scheme == "http"  # absolute, as devpi sends it
    assert location == f"{lab.catalog_url}/{target}"
    assert client.get(location, auth=ORG).status_code == 200


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        (PIP_ACCEPT, JSON_SIMPLE),
        (JSON_SIMPLE, JSON_SIMPLE),
        ("text/html", "text/html; charset=utf-8"),
        ("application/vnd.pypi.simple.v1+html", "text/html; charset=utf-8"),
        ("*/*", "text/html; charset=utf-8"),
        (
            "application/vnd.pypi.simple.v1+json; q=0.1, text/html",
            "text/html; charset=utf-8",
        ),
    ],
    ids=["pip", "json-only", "text-html", "v1-html", "any", "html-preferred"],
)
@pytest.mark.parametrize("path", ["", "numpy/"], ids=["root", "project"])
def test_content_follows_accept(
    lab: Lab, client: httpx.Client, path: str, accept: str, content_type: str
) -> None:
    response = client.get(f"{lab.catalog_url}/simple/{path}", auth=ORG, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    if content_type == JSON_SIMPLE:
        assert response.json()["meta"]["api-version"] == "1.0"
    else:
        version = parse(response.text).meta("pypi:repository-version")
        assert version is not None
        assert version["content"] == "1.0"


def test_latest_json_alias_is_answered_with_v1_json(lab: Lab, client: httpx.Client) -> None:
    response = client.get(
        project_url(lab, "requests"),
        auth=ORG,
        headers={"Accept": "application/vnd.pypi.simple.latest+json"},
    )
    assert response.headers["content-type"] == JSON_SIMPLE


def test_root_index_lists_every_project_by_normalised_link(lab: Lab, client: httpx.Client) -> None:
    page = get_page(client, f"{lab.catalog_url}/simple/")
    hrefs = {a.text: a.href for a in page.anchors}
    assert hrefs["Zope.Interface"] == "zope-interface/"
    assert hrefs["typing_extensions"] == "typing-extensions/"
    assert {"numpy", "requests", "docopt", "cryptography"} <= set(hrefs)
    document = get_json(client, f"{lab.catalog_url}/simple/")
    assert document["meta"] == {"api-version": "1.0"}
    projects = document["projects"]
    assert isinstance(projects, list)
    assert {p["name"] for p in projects} == set(hrefs)


@pytest.mark.parametrize("project", ["zope-interface", "typing-extensions"])
def test_json_project_name_is_normalised(lab: Lab, client: httpx.Client, project: str) -> None:
    assert get_json(client, project_url(lab, project))["name"] == project


# --- the catalog: pages and files ----------------------------------------------------------------

PROJECTS = ("numpy", "cryptography", "docopt", "zope-interface", "typing-extensions", "requests")


@pytest.mark.parametrize("project", PROJECTS)
def test_file_links_are_relative_and_resolve_to_the_hashed_file(
    lab: Lab, client: httpx.Client, project: str
) -> None:
    url = project_url(lab, project)
    page = get_page(client, url)
    assert page.title.startswith("Links for ")
    assert page.anchors
    for anchor in page.anchors:
        match = CATALOG_LINK.match(anchor.href)
        assert match is not None, anchor.href
        assert match["file"] == anchor.text
        assert match["sha256"].startswith(match["short"] + match["middle"])  # devpi's layout
        target = urljoin(url, anchor.href.partition("#")[0])
        assert urlsplit(target).path.startswith(f"/{ORG_ID}/pypi/+f/")
        download = client.get(target, auth=ORG)
        assert download.status_code == 200
        assert sha256(download.content) == match["sha256"]
        assert_installable(anchor.text, download.content)


@pytest.mark.parametrize("project", ["requests", "numpy"])
def test_json_and_html_pages_list_the_same_files(
    lab: Lab, client: httpx.Client, project: str
) -> None:
    url = project_url(lab, project)
    page = get_page(client, url)
    files = json_files(get_json(client, url))
    assert set(files) == {a.text for a in page.anchors}
    for anchor in page.anchors:
        entry = files[anchor.text]
        href, _, fragment = anchor.href.partition("#")
        assert entry["url"] == href
        assert entry["hashes"] == {"sha256": fragment.removeprefix("sha256=")}


def test_files_are_refused_to_anonymous_callers(lab: Lab, client: httpx.Client) -> None:
    url = project_url(lab, "requests")
    href = get_page(client, url).anchors[0].href.partition("#")[0]
    response = client.get(urljoin(url, href))
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Basic ")


def test_a_file_under_the_wrong_hash_directory_is_not_found(lab: Lab, client: httpx.Client) -> None:
    url = project_url(lab, "requests")
    anchor = get_page(client, url).anchors[0]
    response = client.get(f"{lab.catalog_url}/+f/000/0000000000000/{anchor.text}", auth=ORG)
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("project", "prefix", "html_value", "json_value"),
    [
        ("docopt", "docopt-0.6.2", "", None),
        ("numpy", "numpy-2.3.1-", ">=3.11", ">=3.11"),
        ("numpy", "numpy-2.2.6-", ">=3.10", ">=3.10"),
        ("requests", "requests-2.31.0-", ">=3.7", ">=3.7"),
    ],
    ids=["none-declared", "numpy-2.3.1", "numpy-2.2.6", "requests-2.31.0"],
)
def test_requires_python_is_on_every_link(
    lab: Lab,
    client: httpx.Client,
    project: str,
    prefix: str,
    html_value: str,
    json_value: str | None,
) -> None:
    url = project_url(lab, project)
    response = client.get(url, auth=ORG)
    page = parse(response.text)
    files = json_files(get_json(client, url))
    chosen = [a for a in page.anchors if a.text.startswith(prefix)]
    assert chosen
    for anchor in chosen:
        assert anchor.attrs["data-requires-python"] == html_value  # "" when none (devpi)
        assert files[anchor.text].get("requires-python") == json_value
    if html_value:
        assert 'data-requires-python="&gt;=' in response.text  # '>' escaped in HTML


def test_yanked_release_carries_its_reason_in_html_and_json(lab: Lab, client: httpx.Client) -> None:
    url = project_url(lab, "requests")
    page = get_page(client, url)
    files = json_files(get_json(client, url))
    reason = "Broken release: use 2.32.3 or later."
    for anchor in page.anchors:
        if anchor.text.startswith("requests-2.32.0"):
            assert anchor.attrs["data-yanked"] == reason
            assert files[anchor.text]["yanked"] == reason
        else:
            assert "data-yanked" not in anchor.attrs
            assert files[anchor.text].get("yanked", False) is False


def test_wheels_advertise_and_serve_core_metadata(lab: Lab, client: httpx.Client) -> None:
    url = project_url(lab, "requests")
    page = get_page(client, url)
    files = json_files(get_json(client, url))
    wheels = [a for a in page.anchors if a.text.endswith(".whl")]
    sdists = [a for a in page.anchors if a.text.endswith(".tar.gz")]
    assert wheels
    assert sdists
    for anchor in wheels:
        assert anchor.attrs["data-core-metadata"] == "true"
        assert anchor.attrs["data-dist-info-metadata"] == "true"
        assert files[anchor.text]["core-metadata"] is True  # a boolean, as devpi sends it
        target = urljoin(url, anchor.href.partition("#")[0]) + ".metadata"
        metadata = client.get(target, auth=ORG)
        assert metadata.status_code == 200
        assert "Name: requests" in metadata.text.splitlines()
    for anchor in sdists:  # nothing advertised, nothing served
        assert "data-core-metadata" not in anchor.attrs
        assert "core-metadata" not in files[anchor.text]
        target = urljoin(url, anchor.href.partition("#")[0]) + ".metadata"
        assert client.get(target, auth=ORG).status_code == 404


def test_head_on_a_file_answers_without_a_body(lab: Lab, client: httpx.Client) -> None:
    url = project_url(lab, "typing-extensions")
    target = urljoin(url, get_page(client, url).anchors[0].href.partition("#")[0])
    head = client.head(target, auth=ORG)
    get = client.get(target, auth=ORG)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert int(head.headers["content-length"]) == len(get.content) > 0


def _has(text: str) -> Callable[[Page], bool]:
    return lambda page: any(text in a.text for a in page.anchors)


@pytest.mark.parametrize(
    ("project", "fact", "holds"),
    [
        ("numpy", "no macOS wheel", lambda p: not _has("macosx")(p)),
        ("numpy", "Linux wheels", _has("manylinux")),
        ("numpy", "Windows wheels", _has("win_amd64")),
        ("numpy", "several versions", lambda p: len(versions(p)) >= 3),
        (
            "numpy",
            "a pre-release",
            lambda p: any(re.search(r"\d(a|b|rc)\d", v) for v in versions(p)),
        ),
        ("cryptography", "a macOS wheel", _has("macosx")),
        ("docopt", "sdist only", lambda p: all(a.text.endswith(".tar.gz") for a in p.anchors)),
        ("typing-extensions", "a pure wheel", _has("py3-none-any")),
        ("zope-interface", "dots and capitals", lambda p: p.title == "Links for Zope.Interface"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_catalog_holds_every_case_asdiag_triages(
    lab: Lab, client: httpx.Client, project: str, fact: str, holds: Callable[[Page], bool]
) -> None:
    assert holds(get_page(client, project_url(lab, project))), fact


# --- the catalog: rate limit and faults ----------------------------------------------------------


@pytest.mark.parametrize("auth", [ORG, None], ids=["authenticated", "anonymous"])
def test_rate_limited_scenario_answers_429_with_retry_after(
    use: Callable[[str], Lab], client: httpx.Client, auth: Auth
) -> None:
    lab = use("rate-limited")
    response = client.get(project_url(lab, "requests"), auth=auth)
    assert response.status_code == 429
    retry_after = response.headers["retry-after"]
    assert retry_after.isdigit()
    assert 0 < int(retry_after) <= RATE_WINDOW


def _lower_by_assigning(lab: Lab) -> None:
    lab.apps.catalog.ledger = RateLedger(limit=3)


def _lower_by_spending(lab: Lab) -> None:
    """A fresh ledger (load's cache warm-up spent some of the default one) with 3 requests left."""
    lab.apps.catalog.ledger = RateLedger()
    lab.apps.catalog.ledger.spend("127.0.0.1", RATE_LIMIT - 3)


@pytest.mark.parametrize(
    "lower", [_lower_by_assigning, _lower_by_spending], ids=["assigned-ledger", "spent-budget"]
)
def test_a_spent_budget_turns_into_429(
    lab: Lab, client: httpx.Client, lower: Callable[[Lab], None]
) -> None:
    lower(lab)
    statuses = [client.get(project_url(lab, "docopt"), auth=ORG).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    refused = client.get(project_url(lab, "docopt"))  # anonymous too: the limit comes first
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0


class FakeClock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_rate_ledger_slides_its_window() -> None:
    clock = FakeClock()
    ledger = RateLedger(limit=2, window=10.0, clock=clock)
    assert ledger.admit("a") is None
    clock.now += 3
    assert ledger.admit("a") is None
    clock.now += 1
    assert ledger.admit("a") == 6  # the first request leaves the window 6 s from now
    assert ledger.admit("b") is None  # per client address
    clock.now += 6
    assert ledger.admit("a") is None
    assert ledger.admit("a") == 3


def test_rate_ledger_spend_records_a_burst_before_now() -> None:
    clock = FakeClock()
    ledger = RateLedger(limit=4, window=300.0, clock=clock)
    ledger.spend("a", 4, over=60.0)  # at now-45, now-30, now-15 and now
    retry_after = ledger.admit("a")
    assert retry_after == 300 - 45
    clock.now += 255
    assert ledger.admit("a") is None
    assert ledger.admit("a") is not None


def test_the_default_ledger_is_the_vendors_limit() -> None:
    ledger = RateLedger()
    assert (ledger.limit, ledger.window) == (2000, 300.0)


@pytest.mark.parametrize(
    ("path", "auth"),
    [("simple/", ORG), ("simple/requests/", ORG), ("simple/requests/", None)],
    ids=["root", "project", "anonymous"],
)
def test_outage_answers_503(
    use: Callable[[str], Lab], client: httpx.Client, path: str, auth: Auth
) -> None:
    lab = use("outage")
    assert client.get(f"{lab.catalog_url}/{path}", auth=auth).status_code == 503


def test_login_page_redirects_to_a_sign_in_form(
    use: Callable[[str], Lab], client: httpx.Client
) -> None:
    lab = use("login-page")
    response = client.get(project_url(lab, "requests"), auth=ORG)
    assert response.status_code == 302
    location = response.headers["location"]
    assert location.startswith(f"{lab.base_url}/login")
    form = client.get(location)
    assert form.status_code == 200
    assert form.headers["content-type"].startswith("text/html")
    page = parse(form.text)
    assert page.forms == 1
    assert page.password_inputs == 1
    assert page.anchors == []  # not a simple page


def test_files_unreachable_lists_files_that_answer_404(
    use: Callable[[str], Lab], client: httpx.Client
) -> None:
    lab = use("files-unreachable")
    url = project_url(lab, "requests")
    page = get_page(client, url)
    assert page.anchors
    for anchor in page.anchors[:2]:
        target = urljoin(url, anchor.href.partition("#")[0])
        assert client.get(target, auth=ORG).status_code == 404


# --- Artifactory ----------------------------------------------------------------------------------

ART = "/artifactory"
VIRTUAL_PAGE = f"{ART}/api/pypi/pypi-virtual/simple/"


@pytest.mark.parametrize(
    ("path", "auth", "status"),
    [
        ("/api/system/ping", None, 200),
        ("/api/system/version", None, 200),
        ("/api/pypi/pypi-virtual/simple/requests/", None, 401),
        ("/api/pypi/pypi-virtual/simple/requests/", ("developer", "wrong"), 401),
        ("/api/pypi/pypi-virtual/simple/requests/", ART_DEV, 200),
        ("/api/pypi/pypi-virtual/simple/no-such-project/", ART_DEV, 404),
        ("/api/pypi/no-such-repo/simple/requests/", ART_DEV, 404),
        ("/api/repositories", ART_DEV, 200),
        ("/api/v2/security/permissions", ART_DEV, 403),
        ("/api/no/such/api", ART_ADMIN, 404),
    ],
)
def test_artifactory_identifies_itself_on_every_answer(
    lab: Lab, client: httpx.Client, path: str, auth: Auth, status: int
) -> None:
    response = client.get(f"{lab.base_url}{ART}{path}", auth=auth)
    assert response.status_code == status
    assert re.fullmatch(r"Artifactory/\d+\.\d+\.\d+ \d+", response.headers["x-jfrog-version"])
    assert response.headers["x-artifactory-id"]
    assert response.headers["x-artifactory-node-id"]
    if status >= 400:
        errors = response.json()["errors"]
        assert errors[0]["status"] == status
        assert errors[0]["message"]


def test_artifactory_system_endpoints_answer_anonymously(lab: Lab, client: httpx.Client) -> None:
    ping = client.get(f"{lab.base_url}{ART}/api/system/ping")
    assert (ping.status_code, ping.text) == (200, "OK")
    assert ping.headers["content-type"].startswith("text/plain")
    version = client.get(f"{lab.base_url}{ART}/api/system/version")
    assert version.status_code == 200
    document = version.json()
    assert {"version", "revision", "addons", "license"} <= set(document)
    assert version.headers["x-jfrog-version"] == (
        f"Artifactory/{document['version']} {document['revision']}"
    )


@pytest.mark.parametrize(
    ("auth", "message"),
    [(None, "Authentication is required"), (("developer", "wrong"), "Bad credentials")],
    ids=["anonymous", "wrong-password"],
)
def test_artifactory_challenges_without_valid_credentials(
    lab: Lab, client: httpx.Client, auth: Auth, message: str
) -> None:
    response = client.get(f"{lab.base_url}{VIRTUAL_PAGE}requests/", auth=auth)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Basic realm="Artifactory Realm"'
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"errors": [{"status": 401, "message": message}]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"activestate-remote": "REMOTE", "pypi-remote": "REMOTE", "pypi-virtual": "VIRTUAL"}),
        ("?type=remote", {"activestate-remote": "REMOTE", "pypi-remote": "REMOTE"}),
        ("?type=virtual", {"pypi-virtual": "VIRTUAL"}),
        ("?type=local", {}),
    ],
    ids=["all", "remote", "virtual", "local"],
)
def test_artifactory_lists_repositories(
    lab: Lab, client: httpx.Client, query: str, expected: dict[str, str]
) -> None:
    response = client.get(f"{lab.base_url}{ART}/api/repositories{query}", auth=ART_DEV)
    assert response.status_code == 200
    rows = response.json()
    assert {row["key"]: row["type"] for row in rows} == expected
    for row in rows:
        assert row["packageType"].lower() == "pypi"
        assert {"key", "type", "description", "url", "packageType"} <= set(row)


def test_artifactory_repository_list_urls_are_absolute(lab: Lab, client: httpx.Client) -> None:
    rows = client.get(f"{lab.base_url}{ART}/api/repositories", auth=ART_DEV).json()
    assert all(urlsplit(row["url"]).scheme in ("http", "https") for row in rows)


@pytest.mark.parametrize("scenario", ["healthy", "caching-disabled"])
def test_artifactory_remote_config_in_full_for_admin(
    use: Callable[[str], Lab], client: httpx.Client, scenario: str
) -> None:
    lab = use(scenario)
    response = client.get(
        f"{lab.base_url}{ART}/api/repositories/activestate-remote", auth=ART_ADMIN
    )
    assert response.status_code == 200
    config = response.json()
    assert (config["key"], config["rclass"], config["packageType"]) == (
        "activestate-remote",
        "remote",
        "pypi",
    )
    assert config["storeArtifactsLocally"] is (scenario == "healthy")
    assert config["pyPIRegistryUrl"] == lab.catalog_url  # no /simple: Artifactory appends it
    assert config["pyPIRepositorySuffix"] == "simple"
    assert config["username"] == ORG_ID
    assert not config.get("password")  # write-only
    assert ORG_PASSWORD not in response.text
    assert {"offline", "blackedOut", "retrievalCachePeriodSecs"} <= set(config)


def test_artifactory_remote_config_is_partial_for_a_developer(
    lab: Lab, client: httpx.Client
) -> None:
    response = client.get(f"{lab.base_url}{ART}/api/repositories/activestate-remote", auth=ART_DEV)
    assert response.status_code == 200
    config = response.json()
    assert set(config) <= {"key", "packageType", "description", "rclass", "url"}
    assert "storeArtifactsLocally" not in config
    assert "username" not in config


@pytest.mark.parametrize(
    ("scenario", "members"),
    [
        ("healthy", ["activestate-remote"]),
        ("mixed-public-pypi", ["activestate-remote", "pypi-remote"]),
    ],
)
def test_artifactory_virtual_config_lists_its_members(
    use: Callable[[str], Lab], client: httpx.Client, scenario: str, members: list[str]
) -> None:
    lab = use(scenario)
    config = client.get(f"{lab.base_url}{ART}/api/repositories/pypi-virtual", auth=ART_DEV).json()
    assert config["rclass"] == "virtual"
    assert config["repositories"] == members


@pytest.mark.parametrize(
    ("scenario", "developer_actions"),
    [("healthy", ["read", "write"]), ("missing-deploy-cache", ["read"])],
)
def test_artifactory_permissions_for_admin_only(
    use: Callable[[str], Lab], client: httpx.Client, scenario: str, developer_actions: list[str]
) -> None:
    lab = use(scenario)
    base = f"{lab.base_url}{ART}/api/v2/security/permissions"
    listing = client.get(base, auth=ART_ADMIN)
    assert listing.status_code == 200
    names = [row["name"] for row in listing.json()]
    assert names == ["Anything", "Any Remote"]  # Artifactory's default targets
    target = client.get(f"{base}/Any%20Remote", auth=ART_ADMIN)
    assert target.status_code == 200
    repo = target.json()["repo"]
    assert (repo["repositories"], repo["exclude-patterns"]) == (["ANY REMOTE"], [])
    groups = {"groups": {"readers": developer_actions}} if "write" in developer_actions else {}
    assert repo["actions"] == {"users": {"anonymous": ["read", "write"]}, **groups}
    user = client.get(f"{lab.base_url}{ART}/api/security/users/developer", auth=ART_ADMIN)
    assert (user.json()["groups"], user.json()["admin"]) == (["readers"], False)
    group = client.get(f"{lab.base_url}{ART}/api/security/groups/readers", auth=ART_ADMIN)
    assert group.json()["adminPrivileges"] is False
    for path in (base, f"{base}/Any%20Remote", f"{lab.base_url}{ART}/api/security/users/developer"):
        refused = client.get(path, auth=ART_DEV)
        assert refused.status_code == 403
        assert refused.json()["errors"][0]["status"] == 403


def test_artifactory_virtual_page_links_files_it_serves(lab: Lab, client: httpx.Client) -> None:
    url = f"{lab.base_url}{VIRTUAL_PAGE}requests/"
    response = client.get(url, auth=ART_DEV, headers={"Accept": PIP_ACCEPT})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")  # HTML only
    page = parse(response.text)
    assert len(page.anchors) == 6
    for anchor in page.anchors:
        match = ARTIFACTORY_LINK.match(anchor.href)
        assert match is not None, anchor.href
        assert match["file"] == anchor.text
        target = urljoin(url, anchor.href.partition("#")[0])
        assert urlsplit(target).path.startswith(f"{ART}/api/pypi/pypi-virtual/packages/packages/")
        download = client.get(target, auth=ART_DEV)
        assert download.status_code == 200
        assert sha256(download.content) == match["sha256"]
        assert download.headers["x-checksum-sha256"] == match["sha256"]
        assert download.headers["x-artifactory-filename"] == anchor.text
        assert_installable(anchor.text, download.content)


def test_artifactory_keeps_yanked_and_requires_python(lab: Lab, client: httpx.Client) -> None:
    page = get_page(client, f"{lab.base_url}{VIRTUAL_PAGE}requests/", auth=ART_DEV)
    yanked = page.anchor("requests-2.32.0-py3-none-any.whl")
    assert yanked.attrs["data-yanked"] == "Broken release: use 2.32.3 or later."
    assert yanked.attrs["data-requires-python"] == ">=3.8"


def test_artifactory_advertises_no_metadata_it_cannot_serve(lab: Lab, client: httpx.Client) -> None:
    """The catalog advertises core metadata; Artifactory serves no .metadata files, so its
    re-rendered pages must not advertise them (a client would ask and get a 404)."""
    url = f"{lab.base_url}{VIRTUAL_PAGE}requests/"
    page = get_page(client, url, auth=ART_DEV)
    assert page.anchors
    assert not [a for a in page.anchors if "data-core-metadata" in a.attrs]
    assert not [a for a in page.anchors if "data-dist-info-metadata" in a.attrs]


def test_artifactory_refuses_a_file_under_a_wrong_path(lab: Lab, client: httpx.Client) -> None:
    url = f"{lab.base_url}{ART}/api/pypi/pypi-virtual/packages/packages/00/00/0000/"
    response = client.get(url + "requests-2.32.3-py3-none-any.whl", auth=ART_DEV)
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("project", "status"),
    [("numpy", 200), ("requests", 200), ("cryptography", 404), ("docopt", 404)],
)
def test_missing_deploy_cache_serves_only_what_is_cached(
    use: Callable[[str], Lab], client: httpx.Client, project: str, status: int
) -> None:
    lab = use("missing-deploy-cache")
    before = visits(lab)
    url = f"{lab.base_url}{VIRTUAL_PAGE}{project}/"
    response = client.get(url, auth=ART_DEV)
    assert response.status_code == status
    assert visits(lab) == before  # read-only: nothing is fetched upstream
    if status == 200:
        # The file an earlier install downloaded (the newest) is cached; the others are not,
        # and Artifactory refuses them in its own words (uv#16662).
        anchors = parse(response.text).anchors
        cached = client.get(urljoin(url, anchors[-1].href.partition("#")[0]), auth=ART_DEV)
        assert cached.status_code == 200
        if len(anchors) > 1:
            path = anchors[0].href.partition("#")[0]
            refused = client.get(urljoin(url, path), auth=ART_DEV)
            assert refused.status_code == 403
            message = refused.json()["errors"][0]["message"]
            assert message.startswith("Rejected artifact download request: User developer is ")
            assert "is not permitted to deploy '" in message and "-cache:" in message
        assert visits(lab) == before
    else:
        assert response.json()["errors"][0]["status"] == 404
        admin = client.get(url, auth=ART_ADMIN)  # an admin may cache it
        assert admin.status_code == 200
        assert visits(lab) > before


@pytest.mark.parametrize(
    ("scenario", "second_fetch_visits"), [("healthy", 0), ("caching-disabled", 2)]
)
def test_caching_decides_whether_the_catalog_sees_every_fetch(
    use: Callable[[str], Lab], client: httpx.Client, scenario: str, second_fetch_visits: int
) -> None:
    lab = use(scenario)
    url = f"{lab.base_url}{VIRTUAL_PAGE}docopt/"  # not pre-cached
    seen = []
    for _ in range(2):
        before = visits(lab)
        assert client.get(url, auth=ART_DEV).status_code == 200
        seen.append(lab.apps.catalog.visits[before:])
    first, second = seen
    assert len(first) == 2
    assert len(second) == second_fetch_visits
    for pair in [first, second] if second else [first]:
        # the challenge-response pair: anonymous 401, then the organisation's credentials
        assert [(v.user, v.status) for v in pair] == [("-", 401), (ORG_ID, 200)]
        assert {v.path for v in pair} == {f"/{ORG_ID}/pypi/simple/docopt/"}


def test_caching_disabled_spends_the_rate_limit(
    use: Callable[[str], Lab], client: httpx.Client
) -> None:
    lab = use("caching-disabled")
    lab.apps.catalog.ledger = RateLedger(limit=4)
    url = f"{lab.base_url}{VIRTUAL_PAGE}requests/"
    statuses = [client.get(url, auth=ART_DEV).status_code for _ in range(3)]
    assert statuses[:2] == [200, 200]
    assert statuses[2] != 200
    assert lab.apps.catalog.visits[-1].status == 429


@pytest.mark.parametrize(("scenario", "status"), [("mixed-public-pypi", 200), ("healthy", 404)])
def test_public_pypi_in_the_virtual_repo_serves_uncurated_packages(
    use: Callable[[str], Lab], client: httpx.Client, scenario: str, status: int
) -> None:
    lab = use(scenario)
    url = f"{lab.base_url}{VIRTUAL_PAGE}pandas/"
    response = client.get(url, auth=ART_DEV)
    assert response.status_code == status
    numpy = get_page(client, f"{lab.base_url}{VIRTUAL_PAGE}numpy/", auth=ART_DEV)
    assert _has("macosx")(numpy) is (scenario == "mixed-public-pypi")  # public's wheels leak in
    if status == 200:
        anchor = parse(response.text).anchors[0]
        match = ARTIFACTORY_LINK.match(anchor.href)
        assert match is not None
        download = client.get(urljoin(url, anchor.href.partition("#")[0]), auth=ART_DEV)
        assert download.status_code == 200
        assert sha256(download.content) == match["sha256"]


# --- Nexus ---------------------------------------------------------------------------------------

GROUP_PAGE = "/repository/pypi-group/simple/"


@pytest.mark.parametrize(
    ("path", "auth", "status"),
    [
        ("/service/rest/v1/status", None, 200),
        ("/service/rest/v1/status/writable", None, 200),
        (f"{GROUP_PAGE}requests/", None, 401),
        (f"{GROUP_PAGE}requests/", ("developer", "wrong"), 401),
        (f"{GROUP_PAGE}requests/", NX_DEV, 200),
        (f"{GROUP_PAGE}no-such-project/", NX_DEV, 200),  # a group's empty page
        ("/service/rest/v1/repositories", NX_DEV, 200),
        ("/service/rest/v1/repositories/pypi/proxy/activestate", NX_DEV, 404),
        ("/repository/no-such-repo/simple/", NX_DEV, 404),
    ],
)
def test_nexus_identifies_itself_on_every_answer(
    lab: Lab, client: httpx.Client, path: str, auth: Auth, status: int
) -> None:
    response = client.get(f"{lab.base_url}{path}", auth=auth)
    assert response.status_code == status
    assert any(NEXUS_SERVER.match(value) for value in response.headers.get_list("server"))
    assert response.headers["x-content-type-options"] == "nosniff"


def test_nexus_sends_a_single_server_header(lab: Lab, client: httpx.Client) -> None:
    """Not also the lab's own (a client reading headers["server"] would see both, joined)."""
    for path in ("/service/rest/v1/status", f"{GROUP_PAGE}requests/"):
        response = client.get(f"{lab.base_url}{path}", auth=NX_DEV)
        assert NEXUS_SERVER.match(response.headers["server"])


@pytest.mark.parametrize("auth", [None, ("developer", "wrong")], ids=["anonymous", "wrong"])
def test_nexus_challenges_without_valid_credentials(
    lab: Lab, client: httpx.Client, auth: Auth
) -> None:
    response = client.get(f"{lab.base_url}{GROUP_PAGE}requests/", auth=auth)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == (
        'BASIC realm="Sonatype Nexus Repository Manager"'
    )


@pytest.mark.parametrize("repository", ["pypi-group", "activestate"])
def test_nexus_rewrites_project_pages_and_resolves_the_links(
    lab: Lab, client: httpx.Client, repository: str
) -> None:
    url = f"{lab.base_url}/repository/{repository}/simple/requests/"
    response = client.get(url, auth=NX_DEV, headers={"Accept": PIP_ACCEPT})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = parse(response.text)
    assert page.title == "Links for requests"
    api_version = page.meta("api-version")
    assert api_version is not None
    assert api_version["value"] == "2"
    assert page.meta("pypi:repository-version") is None  # not emitted by Nexus
    assert len(page.anchors) == 6
    for anchor in page.anchors:
        match = NEXUS_LINK.match(anchor.href)
        assert match is not None, anchor.href
        assert (match["project"], match["file"]) == ("requests", anchor.text)
        assert anchor.text.startswith(f"requests-{match['version']}")
        assert anchor.attrs["rel"] == "internal"
        assert anchor.attrs["data-requires-python"]  # kept
        for dropped in ("data-yanked", "data-core-metadata", "data-dist-info-metadata"):
            assert dropped not in anchor.attrs
        target = urljoin(url, anchor.href.partition("#")[0])
        assert urlsplit(target).path.startswith(f"/repository/{repository}/packages/requests/")
        download = client.get(target, auth=NX_DEV)
        assert download.status_code == 200
        assert sha256(download.content) == match["sha256"]
    assert lab.apps.nexus.log == []


def test_nexus_hash_lookup_failure_is_a_404_and_a_log_line(
    use: Callable[[str], Lab], client: httpx.Client
) -> None:
    lab = use("nexus-hash-lookup")
    url = f"{lab.base_url}{GROUP_PAGE}requests/"
    page = get_page(client, url, auth=NX_DEV)
    assert page.anchors
    anchor = page.anchors[0]
    download = client.get(urljoin(url, anchor.href.partition("#")[0]), auth=NX_DEV)
    assert download.status_code == 404
    wanted = f"Failed to resolve package Unable to find reference for {anchor.text}"
    assert any(wanted in line and "in package requests" in line for line in lab.apps.nexus.log)


def test_nexus_lists_repositories(lab: Lab, client: httpx.Client) -> None:
    response = client.get(f"{lab.base_url}/service/rest/v1/repositories", auth=NX_DEV)
    assert response.status_code == 200
    rows = {row["name"]: row for row in response.json()}
    assert {name: row["type"] for name, row in rows.items()} == {
        "activestate": "proxy",
        "pypi-proxy": "proxy",
        "pypi-group": "group",
    }
    assert all(row["format"] == "pypi" for row in rows.values())
    remote = rows["activestate"]["attributes"]["proxy"]["remoteUrl"]
    assert remote == lab.catalog_url + "/"  # trailing slash, no /simple
    assert "proxy" not in rows["pypi-group"]["attributes"]


def test_nexus_repository_list_urls_are_absolute(lab: Lab, client: httpx.Client) -> None:
    rows = client.get(f"{lab.base_url}/service/rest/v1/repositories", auth=NX_DEV).json()
    assert all(urlsplit(row["url"]).scheme in ("http", "https") for row in rows)


def test_nexus_proxy_config_for_admin_only(lab: Lab, client: httpx.Client) -> None:
    url = f"{lab.base_url}/service/rest/v1/repositories/pypi/proxy/activestate"
    response = client.get(url, auth=NX_ADMIN)
    assert response.status_code == 200
    config = response.json()
    assert config["proxy"]["remoteUrl"] == lab.catalog_url + "/"
    assert config["online"] is True
    authentication = config["httpClient"]["authentication"]
    assert authentication == {
        "type": "username",
        "username": ORG_ID,
        "ntlmHost": None,
        "ntlmDomain": None,
    }
    assert "password" not in json.dumps(config)
    assert ORG_PASSWORD not in response.text
    # Nexus hides the configuration from a non-admin behind the 404 of an unknown name.
    refused = client.get(url, auth=NX_DEV)
    assert (refused.status_code, refused.json()) == (
        404,
        {"id": "*", "message": '"Repository not found"'},
    )
    assert ORG_ID not in refused.text


@pytest.mark.parametrize(
    ("scenario", "members"),
    [("healthy", ["activestate"]), ("mixed-public-pypi", ["activestate", "pypi-proxy"])],
)
def test_nexus_group_config_names_its_members(
    use: Callable[[str], Lab], client: httpx.Client, scenario: str, members: list[str]
) -> None:
    lab = use(scenario)
    url = f"{lab.base_url}/service/rest/v1/repositories/pypi/group/pypi-group"
    response = client.get(url, auth=NX_ADMIN)
    assert response.status_code == 200
    assert response.json()["group"]["memberNames"] == members
    assert client.get(url, auth=NX_DEV).status_code == 404


@pytest.mark.parametrize(("scenario", "links"), [("mixed-public-pypi", True), ("healthy", False)])
def test_public_pypi_in_the_nexus_group_serves_uncurated_packages(
    use: Callable[[str], Lab], client: httpx.Client, scenario: str, links: bool
) -> None:
    lab = use(scenario)
    url = f"{lab.base_url}{GROUP_PAGE}pandas/"
    response = client.get(url, auth=NX_DEV)
    # The group answers 200 either way: no member with pandas is a page without links.
    assert response.status_code == 200
    assert bool(parse(response.text).anchors) is links
    assert "<title>Links for pandas</title>" in response.text
    if links:
        anchor = parse(response.text).anchors[0]
        match = NEXUS_LINK.match(anchor.href)
        assert match is not None
        download = client.get(urljoin(url, anchor.href.partition("#")[0]), auth=NX_DEV)
        assert download.status_code == 200
        assert sha256(download.content) == match["sha256"]


# --- concurrency ----------------------------------------------------------------------------------


def _parallel_targets(lab: Lab) -> list[tuple[str, Auth]]:
    return [
        (project_url(lab, "requests"), ORG),
        (project_url(lab, "numpy"), ORG),
        (f"{lab.base_url}{VIRTUAL_PAGE}requests/", ART_DEV),
        (f"{lab.base_url}{GROUP_PAGE}requests/", NX_DEV),
        (f"{lab.base_url}/service/rest/v1/status", None),
    ] * 4


def _in_parallel(clients: list[httpx.Client], targets: list[tuple[str, Auth]]) -> list[object]:
    """Each target fetched by its own thread (and client), all released at once."""
    start = threading.Barrier(len(targets), timeout=5)

    def fetch(job: tuple[httpx.Client, tuple[str, Auth]]) -> object:
        http, (url, auth) = job
        start.wait()
        try:
            return http.get(url, auth=auth).status_code
        except httpx.TransportError as error:
            return type(error).__name__

    with ThreadPoolExecutor(max_workers=len(targets)) as pool:
        return list(pool.map(fetch, zip(clients, targets, strict=True)))


def test_twenty_parallel_requests_are_all_answered(lab: Lab) -> None:
    targets = _parallel_targets(lab)
    clients = [new_client(keepalive=True) for _ in targets]
    try:
        for http in clients:  # connect first, then ask all at once
            assert http.get(f"{lab.base_url}/service/rest/v1/status").status_code == 200
        statuses = _in_parallel(clients, targets)
    finally:
        for http in clients:
            http.close()
    assert statuses == [200] * 20


def test_nexus_group_root_lists_the_catalog_projects(lab: Lab, client: httpx.Client) -> None:
    url = f"{lab.base_url}/repository/pypi-group/simple/"
    response = client.get(url, auth=NX_DEV)
    assert response.status_code == 200
    assert 'href="requests/"' in response.text
    assert client.get(url.rstrip("/"), auth=NX_DEV).status_code == 404  # the slash is required


@pytest.mark.parametrize("scenario", [s.name for s in SCENARIOS])
def test_no_scenario_answers_500_through_the_managers(
    use: Callable[[str], Lab], client: httpx.Client, scenario: str
) -> None:
    """Every manager path that goes upstream answers as a product would (a sign-in page or an
    outage upstream is a 404 or 503 through the manager, never the lab's own 500)."""
    lab = use(scenario)
    for page, auth in ((VIRTUAL_PAGE, ART_DEV), (GROUP_PAGE, NX_DEV)):
        for path in ("", "requests/", "pandas/"):
            response = client.get(f"{lab.base_url}{page}{path}", auth=auth)
            assert response.status_code != 500, (scenario, page + path, response.text[:200])


def test_signed_downloads_refuse_credentials_on_the_storage_origin(
    use: Callable[[str], Lab], client: httpx.Client
) -> None:
    lab = use("signed-downloads")
    url = f"{lab.base_url}{VIRTUAL_PAGE}requests/"
    anchor = parse(client.get(url, auth=ART_DEV).text).anchors[-1]
    download = client.get(urljoin(url, anchor.href.partition("#")[0]), auth=ART_DEV)
    assert download.status_code == 302
    signed = download.headers["location"]
    assert signed.startswith(lab.base_url.replace("127.0.0.1", "localhost"))
    assert client.get(signed).status_code == 200
    refused = client.get(signed, auth=ART_DEV)  # S3: one auth mechanism only
    assert refused.status_code == 400
    assert b"Only one auth mechanism allowed" in refused.content


def test_a_nexus_proxy_with_a_refused_upstream_answers_503_then_blocks(
    use: Callable[[str], Lab], client: httpx.Client
) -> None:
    """As ProxyHandler and BlockingHttpClient do (tests/data/nexus/behaviour/): 503 for the
    upstream's 401, then 404 "Remote Auto Blocked until <time>"; the group stays 200, empty."""
    lab = use("nexus-upstream-refused")
    proxy = f"{lab.base_url}/repository/activestate/simple/"
    first = client.get(f"{proxy}numpy/", auth=NX_DEV)
    assert first.status_code == 503
    assert "<title>503 - Sonatype Nexus Repository</title>" in first.text
    then = client.get(f"{proxy}docopt/", auth=NX_DEV)
    assert then.status_code == 404
    assert re.search(r"Remote Auto Blocked until \d{4}-\d\d-\d\dT[\d:.]+Z", then.text)
    group = client.get(f"{lab.base_url}{GROUP_PAGE}numpy/", auth=NX_DEV)
    assert group.status_code == 200
    assert parse(group.text).anchors == []


def test_a_manually_blocked_nexus_proxy(use: Callable[[str], Lab], client: httpx.Client) -> None:
    lab = use("healthy")
    configs = lab.apps.nexus.configs
    configs["activestate"] = replace(configs["activestate"], blocked=True)
    response = client.get(f"{lab.base_url}/repository/activestate/simple/docopt/", auth=NX_DEV)
    assert response.status_code == 404
    assert "Remote Manually Blocked" in response.text


def _recorded_nexus(name: str) -> dict[str, object]:
    path = Path(__file__).parents[1] / "data" / "nexus" / "behaviour" / f"{name}.json"
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize(
    ("recorded", "scenario", "path"),
    [
        ("group-simple-project-not-in-any-member.3.30-orient", "healthy", f"{GROUP_PAGE}nope/"),
        (
            "proxy-simple-project-upstream-401-402-407-5xx.3.55-3.77",
            "nexus-upstream-refused",
            "/repository/activestate/simple/numpy/",
        ),
        (
            "proxy-simple-project-upstream-404.3.55-3.77",
            "healthy",
            "/repository/activestate/simple/nope/",
        ),
    ],
)
def test_the_lab_nexus_answers_as_the_product_does(
    use: Callable[[str], Lab], client: httpx.Client, recorded: str, scenario: str, path: str
) -> None:
    """The lab against the answers read from Nexus's source, so it cannot drift from them: the
    status, the message a client can read, and a group page's shape."""
    real = _recorded_nexus(recorded)
    lab = use(scenario)
    response = client.get(f"{lab.base_url}{path}", auth=NX_DEV)
    assert response.status_code == real["status"]
    body = str(real["body"])
    if response.status_code == 200:
        assert parse(response.text).anchors == parse(body).anchors == []
        assert "<title>Links for nope</title>" in response.text
        assert '<meta name="api-version" value="2"/>' in response.text
    else:
        expected = server_message(body.encode(), "text/html")
        assert server_message(response.content, response.headers["content-type"]) == expected
        assert f"<title>{response.status_code} - Sonatype Nexus Repository</title>" in body
        assert f"<title>{response.status_code} - Sonatype Nexus Repository</title>" in (
            response.text
        )


def test_a_nexus_proxy_that_cannot_reach_its_upstream(
    use: Callable[[str], Lab], client: httpx.Client
) -> None:
    real = _recorded_nexus("proxy-simple-project-upstream-unreachable.3.55-3.77")
    lab = use("healthy")
    configs = lab.apps.nexus.configs
    configs["activestate"] = replace(configs["activestate"], unreachable=True)
    url = f"{lab.base_url}/repository/activestate/simple/docopt/"
    first = client.get(url, auth=NX_DEV)
    assert first.status_code == real["status"] == 502
    assert server_message(first.content, "text/html") == server_message(
        str(real["body"]).encode(), "text/html"
    )
    assert "Remote Auto Blocked until" in client.get(url, auth=NX_DEV).text
